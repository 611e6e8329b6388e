import Foundation
import Testing

/// A bundle applied into an empty replica is written in place, through a rollback journal
/// (`Connection.writingInPlace`): killed midway, the replica holds nothing of it or all of
/// it, and is in WAL mode again.
@Suite(.serialized) struct BundleInPlaceEndToEndTests {
  private func changeCount(_ replica: ReplicaProcess) throws -> Int? {
    let status = try replica.run(["status", "--json"])
    return (try JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any])?[
      "changes"] as? Int
  }

  /// Bytes 18 and 19 of a database file: 2 and 2 in WAL mode, 1 and 1 with a rollback journal.
  private func fileFormat(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path))[18...19])
  }

  @Test func anApplyKilledMidwayLeavesNothingOrEverything() throws {
    let folder = try TestFolder()
    let alice = ReplicaProcess(store: folder.path("alice.sqlite"))
    try alice.run(["init", "--author", "alice"])
    let generated = folder.path("many.json")
    try writeGeneratedArticles(count: 1_500, seed: 5, to: generated)
    try alice.run(["import", generated])
    let bundle = folder.path("all.bundle")
    try alice.run(["bundle", "create", bundle])
    let total = try #require(try changeCount(alice))

    let store = folder.path("carol.sqlite")
    let carol = ReplicaProcess(store: store)
    try carol.run(["init", "--author", "carol"])
    let apply = Process()
    apply.executableURL = URL(fileURLWithPath: Binaries.folio)
    apply.arguments = ["--store", store, "bundle", "apply", bundle]
    apply.standardOutput = FileHandle.nullDevice
    apply.standardError = FileHandle.nullDevice
    try apply.run()
    // The journal appears with the apply's first write; the process is killed then.
    let deadline = Date().addingTimeInterval(60)
    var wroteInPlace = false
    while Date() < deadline, apply.isRunning {
      if FileManager.default.fileExists(atPath: store + "-journal") {
        wroteInPlace = true
        kill(apply.processIdentifier, SIGKILL)
        break
      }
      usleep(1_000)
    }
    apply.waitUntilExit()
    #expect(wroteInPlace, "the apply into an empty replica wrote through a rollback journal")

    let afterKill = try changeCount(carol)
    #expect(afterKill == 0 || afterKill == total, "\(String(describing: afterKill)) of \(total)")
    #expect(try integrityCheck(store) == "ok")
    #expect(try fileFormat(store) == [2, 2], "in WAL mode again")

    try carol.run(["bundle", "apply", bundle])
    #expect(try changeCount(carol) == total)
    #expect(try fileFormat(store) == [2, 2])
    #expect(!FileManager.default.fileExists(atPath: store + "-journal"))
    #expect(try alice.run(["export"]) == (try carol.run(["export"])))
  }
}
