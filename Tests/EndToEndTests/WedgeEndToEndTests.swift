import FolioModel
import Foundation
import Testing

/// Issue 12's wedges 1–3: a change the server stores that some client cannot read, or a local
/// change that nobody else will take, stops a whole space. Each test first does what wedged
/// the space, then checks that every replica still syncs and converges.
@Suite(.serialized) struct WedgeEndToEndTests {
  /// A canonical change of a fresh site, built with the one codec.
  static func change(
    entity: EntityRef = EntityRef(kind: .article, id: "a1"), field: String = "extra",
    value: JSONValue? = .string("x"), pred: [Dot] = [], context: VersionVector? = nil,
    author: String = "alice", site: SiteID = .random()
  ) -> Change {
    Change(
      site: site, seq: 1, hlc: HybridTimestamp(milliseconds: 1_700_000_000_000, counter: 0),
      author: author, entity: entity, field: field, op: .set, value: value, pred: pred,
      context: context)
  }

  /// Pushes one change (seq 1 of `key`'s site, signed as `user`; unsigned without a key, for
  /// changes the server refuses before it reads the heads).
  static func push(
    _ team: Team, _ json: [UInt8], as user: String = "alice", token: String? = nil,
    key: SiteKey? = nil
  ) -> (status: Int, body: String) {
    rawRequest(
      "POST", "\(team.server.url)\(SyncProtocol.pathPrefix)/spaces/\(team.space)/changes",
      token: token ?? team.tokens[user],
      body: key.map { SignedPush.body([json], author: user, key: $0) }
        ?? SignedPush.body([json]))
  }

  static func nested(_ depth: Int) -> JSONValue {
    (0..<depth).reduce(JSONValue.string("core")) { inner, _ in .array([inner]) }
  }

  /// Every replica syncs (twice round) and ends with the same export.
  static func expectConvergence(_ team: Team, _ users: [String]) throws -> String {
    for user in users + users { try team[user].run(["sync"]) }
    let exports = try users.map { try team[$0].run(["export"]) }
    #expect(Set(exports).count == 1, "the replicas' exports differ")
    return exports[0]
  }

  /// Wedge 1: a value nested ~300 deep was stored by the server (whose decoder allowed ~512)
  /// and refused by every client's reader, so nobody could pull, or push, again.
  @Test func aDeeplyNestedValueIsRefusedAtPushAndTheDeepestValidOneSyncsEverywhere() throws {
    let team = try Team(users: ["alice", "bob", "carol"])
    let deep = ChangeJSON.encode(Self.change(value: Self.nested(300)))
    let refused = Self.push(team, deep)
    #expect(refused.status == 400, "\(refused.body)")
    #expect(refused.body.contains(#""code":"invalid-change""#), "\(refused.body)")

    // The deepest value the rule allows (64 levels) goes through the server, the pull of
    // every replica and a bundle.
    let key = SiteKey()
    let deepest = Self.change(
      value: Self.nested(ChangeLimits.standard.maximumValueDepth), site: key.site)
    #expect((try? deepest.validate()) != nil)
    let accepted = Self.push(team, ChangeJSON.encode(deepest), key: key)
    #expect(accepted.status == 200, "\(accepted.body)")
    try team["alice"].run(["import", Fixture.articlePath])
    _ = try Self.expectConvergence(team, ["alice", "bob", "carol"])
    let bundle = team.folder.path("deep.bundle")
    try team["bob"].run(["bundle", "create", bundle])
    let dave = ReplicaProcess(store: team.folder.path("dave.sqlite"))
    try dave.run(["init", "--author", "dave"])
    try dave.run(["bundle", "apply", bundle])
    #expect(try dave.run(["export"]) == (try team["bob"].run(["export"])))
  }

  /// Wedge 2: local changes were never checked, so an oversized summary, a malformed id or an
  /// oversized edit succeeded locally and the server (and every peer) refused the replica
  /// from then on.
  @Test func localChangesBreakingTheRuleAreRefusedAndChangeNothing() throws {
    let team = try Team(users: ["alice", "bob"])
    try team["alice"].run(["import", Fixture.articlePath])
    let before = try team["alice"].run(["export"])
    let huge = String(repeating: "word ", count: 60_000)  // 300,000 bytes

    let bigSummary = team.folder.path("big.json")
    try Data(#"{"title":"Huge","summary":"\#(huge)"}"#.utf8).write(
      to: URL(fileURLWithPath: bigSummary))
    let big = try team["alice"].attempt(["import", bigSummary])
    #expect(big.status != 0)
    #expect(big.errorOutput.contains("C7"), "\(big.errorOutput)")

    let badID = team.folder.path("bad-id.json")
    try Data(#"{"id":"a b/../c","title":"Bad id","summary":"s"}"#.utf8).write(
      to: URL(fileURLWithPath: badID))
    let bad = try team["alice"].attempt(["import", badID])
    #expect(bad.status != 0)
    #expect(bad.errorOutput.contains("id"), "\(bad.errorOutput)")

    let article = String(
      try team["alice"].run(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    let note = try team["alice"].run(["note", article, "short"])
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let afterNote = try team["alice"].run(["export"])
    // 50,000 control characters: 300,002 bytes of canonical JSON (each escapes to six), in
    // an argument short enough for the kernel.
    let escaped = String(repeating: "\u{01}", count: 50_000)
    let edit = try team["alice"].attempt(["edit", note, "--note", escaped])
    #expect(edit.status != 0)
    #expect(edit.errorOutput.contains("C7"), "\(edit.errorOutput)")
    #expect(try team["alice"].run(["export"]) == afterNote, "a refused edit changed nothing")
    #expect(afterNote != before)

    // `resolve --edit` with an editor that writes 300,000 bytes.
    try team["alice"].run(["sync"])
    try team["bob"].run(["sync"])
    try team["alice"].run(["edit", note, "--note", "alice's"])
    try team["bob"].run(["edit", note, "--note", "bob's"])
    try team["bob"].run(["sync"])
    try team["alice"].run(["sync"])
    let listed = try team["alice"].run(["conflicts", "--json"])
    let conflict = try #require(
      (try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [[String: Any]])?.first?["id"]
        as? String)
    let editor = team.folder.path("big-editor.sh")
    try Data("#!/bin/sh\nhead -c 300000 /dev/zero | tr '\\0' x > \"$1\"\n".utf8).write(
      to: URL(fileURLWithPath: editor))
    chmod(editor, 0o755)
    let beforeResolve = try team["alice"].run(["export"])
    let resolved = try runProcess(
      Binaries.folio, ["--store", team["alice"].store, "resolve", conflict, "--edit"],
      environment: ["EDITOR": editor, "VISUAL": editor])
    #expect(resolved.status != 0)
    #expect(resolved.errorOutput.contains("C7"), "\(resolved.errorOutput)")
    #expect(try team["alice"].run(["export"]) == beforeResolve)

    let export = try Self.expectConvergence(team, ["alice", "bob"])
    #expect(
      export.contains("alice's") || export.contains("bob's"), "the conflict's winner is shown")
    let bundle = team.folder.path("alice.bundle")
    try team["alice"].run(["bundle", "create", bundle])
    try team["bob"].run(["bundle", "apply", bundle])
  }

  /// Pushes are cut by bytes as well as by count: many large valid changes (more than one
  /// 8 MiB body) reach the server and every peer.
  @Test func manyLargeValidChangesArePushedInBodiesTheServerTakes() throws {
    let team = try Team(users: ["alice", "bob"])
    let summary = String(repeating: "long summary ", count: 16_000)  // 208,000 bytes
    var articles: [String] = []
    for index in 0..<45 {
      articles.append(#"{"title":"Large \#(index)","summary":"\#(summary)"}"#)
    }
    let path = team.folder.path("large.json")
    try Data("[\(articles.joined(separator: ","))]".utf8).write(to: URL(fileURLWithPath: path))
    let imported = try team["alice"].attempt(["import", path])
    #expect(imported.status == 0, "\(imported.errorOutput)")
    let export = try Self.expectConvergence(team, ["alice", "bob"])
    #expect(export.contains("Large 44"))
  }

  /// Wedge 3: a delete's context had no bound; the server stored a 3.7 MB change and every
  /// bundle holding it was refused. Now the context is bounded, and the largest valid change
  /// fits every reader: the server, a pull, a bundle line.
  @Test func aDeleteContextHasABoundAndTheLargestValidChangeFitsEveryReader() throws {
    let team = try Team(users: ["alice", "bob", "carol"])
    let annotation = EntityRef(kind: .annotation, id: "n1")
    let limits = ChangeLimits.standard
    func sites(_ count: Int) -> VersionVector {
      VersionVector(
        Dictionary(
          uniqueKeysWithValues: (0..<count).map { _ in
            (SiteID.random(), Int(JSONReader.maximumInteger))
          }))
    }
    let oversized = Self.change(
      entity: annotation, field: "deleted", value: .bool(true), context: sites(70_000))
    #expect(ChangeJSON.encode(oversized).count > 3_000_000)
    let refused = Self.push(team, ChangeJSON.encode(oversized))
    #expect(refused.status == 400, "\(refused.body)")
    #expect(refused.body.contains(#""rule":"S11""#), "\(refused.body)")

    // The largest change a server takes: a delete with the most preds, the widest context
    // and the longest author a user name can be (a site's author is its user's name).
    let key = SiteKey()
    let user = String(repeating: "a", count: 64)
    let token = try team.server.createToken(space: team.space, user: user)
    let preds = (0..<limits.maximumPredCount).map { _ in
      Dot(site: .random(), seq: Int(JSONReader.maximumInteger))
    }
    let largest = Self.change(
      entity: annotation, field: "deleted", value: .bool(true), pred: preds,
      context: sites(limits.maximumContextSites),
      author: user, site: key.site)
    #expect((try? largest.validate()) != nil)
    #expect(ChangeJSON.encode(largest).count <= limits.maximumChangeBytes)
    let accepted = Self.push(team, ChangeJSON.encode(largest), as: user, token: token, key: key)
    #expect(accepted.status == 200, "\(accepted.body)")
    try team["alice"].run(["import", Fixture.articlePath])
    _ = try Self.expectConvergence(team, ["alice", "bob", "carol"])
    let bundle = team.folder.path("largest.bundle")
    try team["bob"].run(["bundle", "create", bundle])
    let dave = ReplicaProcess(store: team.folder.path("dave.sqlite"))
    try dave.run(["init", "--author", "dave"])
    try dave.run(["bundle", "apply", bundle])
    #expect(try dave.run(["export"]) == (try team["carol"].run(["export"])))
  }
}
