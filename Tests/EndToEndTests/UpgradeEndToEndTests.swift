import Foundation
import Testing

/// A replica written by an earlier release (`FolioReplicaTests/Fixtures/replica-vN.sqlite`,
/// schema versions 4 and 6) is upgraded when this `folio` first opens it: the commands print
/// what that release printed for it, byte for byte, and it syncs.
@Suite struct UpgradeEndToEndTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("FolioReplicaTests/Fixtures")

  /// What the previous release's `folio` printed for the fixture (TZ=UTC, no colour).
  static func printed(_ name: String) throws -> String {
    try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
  }

  @Test(arguments: [4, 6])
  func anOlderReplicaPrintsWhatItPrintedAndSyncs(version: Int) throws {
    let fixture = "replica-v\(version)"
    let team = try Team(users: ["alice", "bob"])
    let old = ReplicaProcess(store: team.folder.path("old.sqlite"))
    try FileManager.default.copyItem(
      atPath: Self.fixtures.appendingPathComponent("\(fixture).sqlite").path, toPath: old.store)
    func folio(_ arguments: [String]) throws -> String {
      let result = try runProcess(
        Binaries.folio, ["--store", old.store, "--no-pager", "--color", "never"] + arguments,
        environment: ["TZ": "UTC"])
      #expect(result.status == 0, "folio \(arguments): \(result.errorOutput)")
      return result.output
    }
    #expect(try folio(["list"]) == Self.printed("\(fixture)-list.txt"))
    #expect(try folio(["show", "50c4"]) == Self.printed("\(fixture)-show.txt"))
    let export = try folio(["export", "--format", "json"])
    #expect(export == (try Self.printed("\(fixture)-export.json")))

    // Signed by the key it was made with, its changes reach a teammate through a server.
    try old.run(["remote", "remove", "origin"])
    try old.run([
      "remote", "add", "team", team.server.url, "--space", team.space, "--token",
      team.tokens["alice"] ?? "",
    ])
    try old.run(["sync"])
    try team["bob"].run(["sync"])
    let bobsList = try runProcess(
      Binaries.folio, ["--store", team["bob"].store, "list"], environment: ["TZ": "UTC"])
    #expect(bobsList.output == (try Self.printed("\(fixture)-list.txt")))
  }
}
