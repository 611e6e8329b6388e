import Foundation
import Testing

/// `folio remote set-url` with real servers: a server that moved is followed from where the
/// replica had got to; a URL that leads to another server makes the next sync read that
/// server's history from the start and give it everything it lacks.
@Suite(.serialized) struct RemoteMoveEndToEndTests {
  /// `sync --json`'s counts.
  struct Counts: Decodable {
    let pulled: Int
    let pushed: Int
  }

  static func sync(_ replica: ReplicaProcess) throws -> (counts: Counts, notes: String) {
    let result = try replica.attempt(["sync", "--json"])
    #expect(result.status == 0, "sync failed: \(result.errorOutput)")
    let counts = try JSONDecoder().decode(Counts.self, from: Data(result.output.utf8))
    return (counts, result.errorOutput)
  }

  @Test func aServerOnANewPortIsFollowedFromWhereTheReplicaWas() throws {
    let team = try Team(users: ["alice", "bob"])
    let article = String(
      try team["alice"].run(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    _ = try Self.sync(team["alice"])
    #expect(try Self.sync(team["bob"]).counts.pulled > 0)

    team.server.stop()
    try team.server.start()
    #expect(try team["bob"].attempt(["sync"]).status != 0, "the old URL no longer answers")
    for user in ["alice", "bob"] {
      let output = try team[user].run(["remote", "set-url", "team", team.server.url])
      #expect(output.contains(team.server.url))
    }
    try team["alice"].run(["highlight", article, "--quote", "malicious PR operation"])
    let pushed = try Self.sync(team["alice"]).counts.pushed
    #expect(pushed > 0)
    let (counts, notes) = try Self.sync(team["bob"])
    #expect(counts.pulled == pushed, "only the highlight's changes come")
    #expect(!notes.contains("history changed"), "the cursor held: \(notes)")
    #expect(try team["alice"].run(["export"]) == team["bob"].run(["export"]))
  }

  /// The server comes back at a new address from a backup taken before the last syncs: the
  /// first replica pointed at it reads its history again, pushes what it lost and hands it
  /// the other replica's changes too, so the second has nothing left to push.
  @Test func aServerRestoredElsewhereFromABackupGetsEverythingBack() throws {
    let team = try Team(users: ["alice", "bob"])
    let article = String(
      try team["alice"].run(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    _ = try Self.sync(team["alice"])
    _ = try Self.sync(team["bob"])

    // The backup: the data file (and its write-ahead log) as it is now, with the server
    // stopped for the copy.
    let port = team.server.port
    team.server.stop()
    let backupFolder = try TestFolder()
    for suffix in ["", "-wal", "-shm"]
    where FileManager.default.fileExists(atPath: team.server.dataPath + suffix) {
      try FileManager.default.copyItem(
        atPath: team.server.dataPath + suffix, toPath: backupFolder.path("server.sqlite" + suffix))
    }
    try team.server.start(port: port)

    try team["alice"].run(["highlight", article, "--quote", "malicious PR operation"])
    _ = try Self.sync(team["alice"])
    try team["bob"].run(["tag", article, "+china"])
    #expect(try Self.sync(team["bob"]).counts.pulled > 0, "bob holds alice's highlight")

    team.server.stop()
    let restored = try ServerProcess(folder: backupFolder.url, name: "restored")
    try restored.start()
    defer { restored.stop(kill: true) }
    try team["bob"].run(["remote", "set-url", "team", restored.url])
    let bob = try team["bob"].attempt(["sync"])
    #expect(bob.status == 0, "\(bob.errorOutput)")
    #expect(bob.errorOutput.contains("history changed"), "\(bob.errorOutput)")
    #expect(bob.output.contains("pushed 1"), "bob's tag: \(bob.output)")
    #expect(bob.output.contains("relayed"), "alice's highlight: \(bob.output) \(bob.errorOutput)")

    try team["alice"].run(["remote", "set-url", "team", restored.url])
    let (counts, _) = try Self.sync(team["alice"])
    #expect(counts.pushed == 0, "bob relayed alice's highlight")
    #expect(counts.pulled > 0, "bob's tag")
    #expect(try team["alice"].run(["export"]) == team["bob"].run(["export"]))
  }
}
