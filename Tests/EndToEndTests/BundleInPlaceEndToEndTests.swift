import Foundation
import Testing

/// A bundle applied into an empty replica is written in place, through a rollback journal
/// (`Connection.writingInPlace`): killed midway, the replica holds nothing of it or all of
/// it; other commands wait for it rather than fail; the file is in WAL mode afterwards.
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

  /// A bundle of `articles` generated articles, and how many changes it holds.
  private func makeBundle(articles: Int, in folder: TestFolder) throws -> (String, Int) {
    let alice = ReplicaProcess(store: folder.path("alice.sqlite"))
    try alice.run(["init", "--author", "alice"])
    let generated = folder.path("many.json")
    try writeGeneratedArticles(count: articles, seed: 5, to: generated)
    try alice.run(["import", generated])
    let bundle = folder.path("all.bundle")
    try alice.run(["bundle", "create", bundle])
    return (bundle, try #require(try changeCount(alice)))
  }

  /// A new replica that holds nothing, and its file.
  private func emptyReplica(in folder: TestFolder) throws -> (String, ReplicaProcess) {
    let store = folder.path("carol.sqlite")
    let carol = ReplicaProcess(store: store)
    try carol.run(["init", "--author", "carol"])
    return (store, carol)
  }

  private func startApply(_ bundle: String, into store: String) throws -> Process {
    let apply = Process()
    apply.executableURL = URL(fileURLWithPath: Binaries.folio)
    apply.arguments = ["--store", store, "bundle", "apply", bundle]
    apply.standardOutput = FileHandle.nullDevice
    apply.standardError = FileHandle.nullDevice
    try apply.run()
    return apply
  }

  @Test func anApplyKilledMidwayLeavesNothingOrEverything() throws {
    let folder = try TestFolder()
    let (bundle, total) = try makeBundle(articles: 3_000, in: folder)
    let (store, carol) = try emptyReplica(in: folder)

    let apply = try startApply(bundle, into: store)
    // Killed once the journal has lasted 50 ms: the apply is writing in place (the
    // switch of journal mode makes one for a moment too).
    let journal = store + "-journal"
    let deadline = Date().addingTimeInterval(60)
    var journalSince: Date?
    var killed = false
    while Date() < deadline, apply.isRunning {
      if FileManager.default.fileExists(atPath: journal) {
        let since = journalSince ?? Date()
        journalSince = since
        if Date().timeIntervalSince(since) > 0.05 {
          kill(apply.processIdentifier, SIGKILL)
          killed = true
          break
        }
      } else {
        journalSince = nil
      }
      usleep(2_000)
    }
    apply.waitUntilExit()
    #expect(killed, "the apply into an empty replica wrote through a rollback journal")
    let journalLeft = FileManager.default.fileExists(atPath: journal)

    // The next command rolls the journal back: nothing of an apply that had not committed.
    let afterKill = try changeCount(carol)
    #expect(afterKill == (journalLeft ? 0 : total), "journal left: \(journalLeft)")
    #expect(try integrityCheck(store) == "ok")

    try carol.run(["bundle", "apply", bundle])
    #expect(try fileFormat(store) == [2, 2], "back in WAL mode when the apply ends")
    #expect(!FileManager.default.fileExists(atPath: journal))
    #expect(try changeCount(carol) == total)
  }

  @Test func otherCommandsWaitForTheApply() throws {
    let folder = try TestFolder()
    let (bundle, total) = try makeBundle(articles: 2_000, in: folder)
    let (store, carol) = try emptyReplica(in: folder)

    let apply = try startApply(bundle, into: store)
    var results: [ProcessResult] = []
    while apply.isRunning {
      results.append(try carol.attempt(["status", "--json"]))
    }
    apply.waitUntilExit()
    #expect(apply.terminationStatus == 0)
    #expect(!results.isEmpty)
    for result in results {
      #expect(result.status == 0, "a command run during the apply failed: \(result.errorOutput)")
    }
    #expect(try changeCount(carol) == total)
    #expect(try fileFormat(store) == [2, 2])
  }
}
