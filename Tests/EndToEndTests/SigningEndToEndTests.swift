import FolioModel
import Foundation
import Testing

/// Issue 12's forgeries 7, 8 and 9 against a real `folio-server` and real `folio` processes:
/// nobody writes in another user's name, nobody slips a change under another replica's id,
/// and relaying somebody's changes first takes nothing from them (`Protocol/signing.md`).
@Suite(.serialized) struct SigningEndToEndTests {
  /// What the server holds per site, read with `token`.
  static func serverVector(_ team: Team, token: String?) throws -> [String: Int] {
    let reply = rawRequest(
      "GET", "\(team.server.url)\(SyncProtocol.pathPrefix)/spaces/\(team.space)/vector",
      token: token)
    #expect(reply.status == 200, "\(reply.body)")
    let object = try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any]
    return (object?["vector"] as? [String: Int]) ?? [:]
  }

  static func site(_ replica: ReplicaProcess) throws -> String {
    try CopiedReplicaEndToEndTests.site(replica)
  }

  /// Forgery 7: a replica whose author is "alice" syncing with bob's token is refused and
  /// nothing of it is stored; `resolve --author alice` picks only what alice's replica made.
  @Test func aReplicaWritingAsAliceWithBobsTokenIsRefused() throws {
    let team = try Team(users: ["alice", "bob"])
    let article = String(
      try team["alice"].run(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    let highlight = try team["alice"].run([
      "highlight", article, "--quote", "malicious PR operation", "--color", "yellow",
    ]).trimmingCharacters(in: .whitespacesAndNewlines)
    try team["alice"].run(["sync"])
    try team["bob"].run(["sync"])

    // Bob makes a replica that writes as alice, with his own token.
    let forger = ReplicaProcess(store: team.folder.path("forger.sqlite"))
    try forger.run(["init", "--author", "alice"])
    try forger.run([
      "remote", "add", "team", team.server.url, "--space", team.space, "--token",
      team.tokens["bob"] ?? "",
    ])
    try forger.run(["sync"])
    try forger.run(["edit", highlight, "--color", "red"])
    let refused = try forger.attempt(["sync"])
    #expect(refused.status != 0)
    #expect(
      refused.errorOutput.contains("writes as 'alice' but the token belongs to another user"),
      "\(refused.errorOutput)")
    let forgerSite = try Self.site(forger)
    #expect(try Self.serverVector(team, token: team.tokens["alice"])[forgerSite] == nil)

    // Alice and bob change the colour concurrently; alice settles by author.
    try team["alice"].run(["edit", highlight, "--color", "green"])
    try team["bob"].run(["edit", highlight, "--color", "blue"])
    for user in ["alice", "bob", "alice"] { try team[user].run(["sync"]) }
    #expect(try forger.attempt(["sync"]).status != 0)
    try team["alice"].run(["sync"])
    try team["alice"].run(["resolve", "--all", "--author", "alice"])
    let shown = try team["alice"].run(["show", article, "--json"])
    #expect(shown.contains("green"), "\(shown)")
    #expect(!shown.contains("\"red\""), "the forged colour reached alice: \(shown)")
    let vector = try Self.serverVector(team, token: team.tokens["alice"])
    #expect(Set(vector.keys) == [try Self.site(team["alice"]), try Self.site(team["bob"])])
  }

  /// Forgery 8: a bundle slipping a change under the receiver's own site id is refused, and
  /// nothing of it reaches the server.
  @Test func aForgedBundleUnderTheReceiversSiteIsRefused() throws {
    let team = try Team(users: ["bob"])
    _ = try team["bob"].run(["import", Fixture.articlePath])
    try team["bob"].run(["sync"])
    let bobSite = try #require(SiteID(rawValue: try Self.site(team["bob"])))
    let before = try team["bob"].run(["export"])
    let seq = try Self.serverVector(team, token: team.tokens["bob"])[bobSite.rawValue] ?? 0

    let mallory = SiteKey()
    let forged = Change(
      site: bobSite, seq: seq + 1,
      hlc: HybridTimestamp(milliseconds: UInt64(Date().timeIntervalSince1970 * 1000), counter: 0),
      author: "bob", entity: .article("forged"), field: Field.title, op: .set,
      value: .string("Forged by Mallory"))
    let line = ChangeJSON.encode(forged)
    // Mallory's own head, its site rewritten to bob's: her key does not derive it.
    let head = String(
      decoding: SignedHead(
        signing: SiteChain.empty.appending(line), author: "bob", with: mallory
      ).encoded(), as: UTF8.self
    ).replacingOccurrences(of: mallory.site.rawValue, with: bobSite.rawValue)
    let header = String(
      decoding: BundleHeader(site: mallory.site, vector: VersionVector(), created: 0, heads: [])
        .encoded(), as: UTF8.self
    ).replacingOccurrences(of: #""heads":[]"#, with: #""heads":[\#(head)]"#)
    var hasher = SHA256Hasher()
    var bytes = Array(header.utf8) + [0x0A] + line + [0x0A]
    hasher.update(bytes)
    bytes += BundleTrailer(count: 1, sha256: Hex.encode(hasher.finalize())).encoded() + [0x0A]
    let path = team.folder.path("forged.bundle")
    try Data(bytes).write(to: URL(fileURLWithPath: path))

    let refused = try team["bob"].attempt(["bundle", "apply", path])
    #expect(refused.status != 0)
    #expect(refused.errorOutput.contains("H2"), "\(refused.errorOutput)")
    #expect(refused.errorOutput.contains("nothing was applied"), "\(refused.errorOutput)")
    #expect(try team["bob"].run(["export"]) == before)
    try team["bob"].run(["sync"])
    #expect(try Self.serverVector(team, token: team.tokens["bob"])[bobSite.rawValue] == seq)
    #expect(try !team["bob"].run(["export"]).contains("Forged by Mallory"))
  }

  /// Forgery 9: a teammate relaying Carol's bundle before Carol ever synced does not take
  /// Carol's site; Carol then syncs fine, and once she is bound the teammate's relay counts.
  @Test func relayingCarolsChangesFirstTakesNothingFromHer() throws {
    let team = try Team(users: ["alice", "bob", "carol"])
    let carol = team["carol"]
    let id = String(
      try carol.run(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    let bundle = team.folder.path("carol.bundle")
    try carol.run(["bundle", "create", bundle])
    try team["bob"].run(["bundle", "apply", bundle])
    let relayed = try team["bob"].attempt(["sync"])
    #expect(relayed.status == 0, "\(relayed.errorOutput)")
    #expect(relayed.errorOutput.contains("did not relay"), "\(relayed.errorOutput)")
    let carolSite = try Self.site(carol)
    #expect(try Self.serverVector(team, token: team.tokens["alice"])[carolSite] == nil)

    let synced = try carol.attempt(["sync"])
    #expect(synced.status == 0, "\(synced.errorOutput)")
    let held = try Self.serverVector(team, token: team.tokens["alice"])[carolSite] ?? 0
    #expect(held > 0)

    // Carol is bound now: her next changes reach the server through Bob.
    try carol.run(["tag", id, "+relayed"])
    let vectorFile = team.folder.path("bob.vector")
    try team["bob"].run(["sync"])
    try team["bob"].run(["bundle", "vector", vectorFile])
    try carol.run(["bundle", "create", bundle, "--for", vectorFile])
    try team["bob"].run(["bundle", "apply", bundle])
    let second = try team["bob"].run(["sync"])
    #expect(second.contains("relayed"), "\(second)")
    #expect(try Self.serverVector(team, token: team.tokens["alice"])[carolSite] ?? 0 > held)
    try team["alice"].run(["sync"])
    #expect(try team["alice"].run(["export"]).contains("relayed"))
    #expect(try carol.attempt(["sync"]).status == 0)
    for user in ["alice", "bob"] { try team[user].run(["sync"]) }
    let exports = try ["alice", "bob", "carol"].map { try team[$0].run(["export"]) }
    #expect(Set(exports).count == 1)
  }

  /// A replica made before signed changes cannot sign: `sync` and `bundle create` refuse,
  /// naming `folio rekey`, which gives it a key-derived site; then it syncs.
  @Test func anUpgradedReplicaSyncsOnlyAfterRekey() throws {
    let team = try Team(users: ["alice"])
    let old = ReplicaProcess(store: team.folder.path("old.sqlite"))
    let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent(
        "FolioReplicaTests/Fixtures/replica-v2.sqlite")
    try FileManager.default.copyItem(atPath: fixture.path, toPath: old.store)
    try old.run(["remote", "remove", "origin"])
    try old.run([
      "remote", "add", "team", team.server.url, "--space", team.space, "--token",
      team.tokens["alice"] ?? "",
    ])
    let export = try old.run(["export"])
    for command in [["sync"], ["bundle", "create", team.folder.path("old.bundle")]] {
      let refused = try old.attempt(command)
      #expect(refused.status != 0)
      #expect(refused.errorOutput.contains("folio rekey"), "\(refused.errorOutput)")
    }
    try old.run(["rekey"])
    #expect(try old.run(["export"]) == export)
    // The fixture's author is alice, the token's user.
    let synced = try old.attempt(["sync"])
    #expect(synced.status == 0, "\(synced.errorOutput)")
  }

  /// A server of another protocol version answers 410 (or has no such endpoint): the user is
  /// told to upgrade, not shown a bare status.
  @Test func aServerOfAnotherProtocolVersionIsNamedAsSuch() throws {
    let folder = try TestFolder()
    let server = try RecordingListener { _ in
      let body = #"{"error":{"code":"upgrade-required","message":"this server speaks protocol 3"}}"#
      return
        "HTTP/1.1 410 Gone\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)"
        + "\r\nConnection: close\r\n\r\n\(body)"
    }
    let replica = ReplicaProcess(store: folder.path("alice.sqlite"))
    try replica.run(["init", "--author", "alice"])
    try replica.run([
      "remote", "add", "team", "http://127.0.0.1:\(server.port)", "--space", "newsroom",
      "--token", "fol_" + String(repeating: "ab", count: 32),
    ])
    let sync = try replica.attempt(["sync"])
    #expect(sync.status != 0)
    #expect(
      sync.errorOutput.contains("another version of the sync protocol"), "\(sync.errorOutput)")
    #expect(sync.errorOutput.contains("protocol 3"), "\(sync.errorOutput)")
  }
}
