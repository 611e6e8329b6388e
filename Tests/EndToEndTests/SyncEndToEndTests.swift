import FolioArticles
import FolioModel
import FolioTestSupport
import Foundation
import Testing

/// A server with one space and a replica per user, all in one temporary folder; on SQLite, or
/// on a PostgreSQL database of its own.
final class Team {
  let folder: TestFolder
  let server: ServerProcess
  let space: String
  var replicas: [String: ReplicaProcess] = [:]
  var tokens: [String: String] = [:]

  /// A team on `store`, or nil (saying why) for PostgreSQL when no test cluster is set.
  static func make(users: [String], store: StoreKind) throws -> Team? {
    switch store {
    case .sqlite: return try Team(users: users)
    case .postgres:
      guard let url = try TestPostgres.createDatabase() else {
        print(TestPostgres.skipReason)
        return nil
      }
      return try Team(users: users, databaseURL: url)
    }
  }

  init(users: [String], space: String = "newsroom", databaseURL: String? = nil) throws {
    folder = try TestFolder()
    self.space = space
    server = try ServerProcess(folder: folder.url, databaseURL: databaseURL)
    try server.createSpace(space)
    for user in users {
      tokens[user] = try server.createToken(space: space, user: user)
    }
    try server.start()
    for user in users {
      let replica = ReplicaProcess(store: folder.path("\(user).sqlite"))
      try replica.run(["init", "--author", user])
      try replica.run([
        "remote", "add", "team", server.url, "--space", space, "--token", tokens[user] ?? "",
      ])
      replicas[user] = replica
    }
  }

  subscript(user: String) -> ReplicaProcess {
    replicas[user] ?? ReplicaProcess(store: folder.path("missing.sqlite"))
  }

  deinit {
    server.stop(kill: true)
    if let url = server.databaseURL { TestPostgres.dropDatabase(url: url) }
  }
}

@Suite(.serialized) struct SyncEndToEndTests {
  @Test(arguments: StoreKind.allCases) func threeReplicasEditOfflineAndConverge(store: StoreKind)
    throws
  {
    guard let team = try Team.make(users: ["alice", "bob", "carol"], store: store) else { return }
    let article = String(
      try team["alice"].run(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    try team["bob"].run(["import", Fixture.articlePath])
    try team["alice"].run([
      "highlight", article, "--quote", "malicious PR operation", "--note", "a",
    ])
    try team["bob"].run(["highlight", article, "--quote", "zero-day", "--note", "b"])
    try team["carol"].run(["import", Fixture.articlePath])
    try team["carol"].run(["note", article, "Carol's overall take"])
    try team["carol"].run(["tag", article, "+china"])
    for user in ["bob", "alice", "carol", "bob", "alice"] {
      let output = try team[user].run(["sync"])
      #expect(output.contains("Synced with team"))
    }
    let exports = try ["alice", "bob", "carol"].map { try team[$0].run(["export"]) }
    #expect(Set(exports).count == 1)
    #expect(exports[0].contains("Carol's overall take"))
    #expect(exports[0].contains("zero-day"))
    let list = try team["carol"].run(["list", "--json"])
    #expect(list.contains("\"annotationCount\" : 3"))
    let again = try team["alice"].run(["sync"])
    #expect(again.contains("pulled 0, pushed 0"))
  }

  @Test(arguments: StoreKind.allCases)
  func aConflictIsListedOnTheThirdReplicaAndAResolutionClearsItEverywhere(store: StoreKind) throws {
    guard let team = try Team.make(users: ["alice", "bob", "carol"], store: store) else { return }
    let article = String(
      try team["alice"].run(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    let highlight = try team["alice"].run([
      "highlight", article, "--quote", "malicious PR operation",
    ]).trimmingCharacters(in: .whitespacesAndNewlines)
    try team["alice"].run(["sync"])
    try team["bob"].run(["sync"])
    try team["alice"].run(["edit", highlight, "--note", "alice says"])
    try team["bob"].run(["edit", highlight, "--note", "bob says"])
    try team["alice"].run(["sync"])
    let bobSync = try team["bob"].run(["sync"])
    #expect(bobSync.contains("1 new conflict"))
    try team["carol"].run(["sync"])
    let listed = try team["carol"].run(["conflicts", "--json"])
    #expect(listed.contains("alice says") && listed.contains("bob says"))
    let exitCode = try team["carol"].attempt(["conflicts", "--exit-code"])
    #expect(exitCode.status == 1)
    let id = try #require(
      (try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [[String: Any]])?.first?["id"]
        as? String)
    try team["carol"].run(["resolve", id, "--value", "carol decides"])
    try team["carol"].run(["sync"])
    for user in ["alice", "bob", "carol"] {
      try team[user].run(["sync"])
      #expect(try team[user].run(["conflicts"]).contains("No conflicts"))
      #expect(try team[user].run(["show", article, "--json"]).contains("carol decides"))
    }
  }

  @Test func statusShowsUnpushedChangesAndLastSync() throws {
    let team = try Team(users: ["alice"])
    try team["alice"].run(["import", Fixture.articlePath])
    let before = try team["alice"].run(["status", "--json"])
    let status = try #require(
      try JSONSerialization.jsonObject(with: Data(before.utf8)) as? [String: Any])
    let remote = try #require((status["remotes"] as? [[String: Any]])?.first)
    #expect(remote["unpushed"] as? Int == status["changes"] as? Int)
    #expect((status["changes"] as? Int ?? 0) > 0)
    try team["alice"].run(["sync"])
    let after = try team["alice"].run(["status"])
    #expect(after.contains("0 unpushed changes"))
    #expect(after.contains("last sync"))
    let remotes = try team["alice"].run(["remote", "list"])
    #expect(remotes.contains("team"))
    #expect(!remotes.contains(team.tokens["alice"] ?? "no token"))
  }
}
