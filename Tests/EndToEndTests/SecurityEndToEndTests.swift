import FolioArticles
import FolioModel
import Foundation
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Sends one raw request and returns the status and body.
func rawRequest(
  _ method: String, _ url: String, token: String?, body: Data? = nil
) -> (status: Int, body: String) {
  guard let endpoint = URL(string: url) else { return (0, "") }
  var request = URLRequest(url: endpoint, timeoutInterval: 10)
  request.httpMethod = method
  if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
  if let body {
    request.httpBody = body
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
  }
  let box = RawBox()
  URLSession.shared.dataTask(with: request) { data, response, _ in
    box.set(
      (response as? HTTPURLResponse)?.statusCode ?? 0,
      String(decoding: data ?? Data(), as: UTF8.self))
  }.resume()
  return box.wait()
}

final class RawBox: @unchecked Sendable {
  // @unchecked: the fields are only touched while holding `condition`.
  private let condition = NSCondition()
  private var result: (Int, String)?

  func set(_ status: Int, _ body: String) {
    condition.lock()
    result = (status, body)
    condition.signal()
    condition.unlock()
  }

  func wait() -> (status: Int, body: String) {
    condition.lock()
    defer { condition.unlock() }
    while result == nil { condition.wait() }
    return result ?? (0, "")
  }
}

@Suite(.serialized) struct SecurityEndToEndTests {
  @Test func wrongMissingAndForeignTokensAreRefusedWithClearMessages() throws {
    let team = try Team(users: ["alice"])
    try team.server.createSpace("other")
    let foreign = try team.server.createToken(space: "other", user: "mallory")
    try team["alice"].run(["import", Fixture.articlePath])

    let changes = "\(team.server.url)\(SyncProtocol.pathPrefix)/spaces/newsroom/changes"
    #expect(rawRequest("GET", changes, token: nil).status == 401)
    #expect(rawRequest("GET", changes, token: "fol_wrong").status == 401)
    let foreignPull = rawRequest("GET", changes, token: foreign)
    #expect(foreignPull.status == 403 || foreignPull.status == 404)
    #expect(!foreignPull.body.contains("Alibaba"))

    let mallory = ReplicaProcess(store: team.folder.path("mallory.sqlite"))
    try mallory.run(["init", "--author", "mallory"])
    try mallory.run([
      "remote", "add", "team", team.server.url, "--space", "newsroom", "--token", "fol_nope",
    ])
    let refused = try mallory.attempt(["sync"])
    #expect(refused.status != 0)
    #expect(refused.errorOutput.contains("refused the token"))
    #expect(refused.errorOutput.split(separator: "\n").count == 1)
    #expect(!refused.errorOutput.contains("fol_nope"))

    try mallory.run(["remote", "remove", "team"])
    try mallory.run([
      "remote", "add", "team", team.server.url, "--space", "newsroom", "--token", foreign,
    ])
    let forbidden = try mallory.attempt(["sync"])
    #expect(forbidden.status != 0)
    #expect(forbidden.errorOutput.contains("does not allow"))
    #expect(try mallory.run(["list"]).contains("No articles"))
  }

  @Test func readOnlyTokensPullButCannotPush() throws {
    let team = try Team(users: ["alice"])
    let readOnly = try team.server.createToken(space: "newsroom", user: "reader", readOnly: true)
    try team["alice"].run(["import", Fixture.articlePath])
    try team["alice"].run(["sync"])
    let reader = ReplicaProcess(store: team.folder.path("reader.sqlite"))
    try reader.run(["init", "--author", "reader"])
    try reader.run([
      "remote", "add", "team", team.server.url, "--space", "newsroom", "--token", readOnly,
    ])
    #expect(try reader.run(["sync"]).contains("pulled"))
    #expect(try reader.run(["list"]).contains("Alibaba"))
    let article = String(try reader.run(["list"]).split(separator: " ").first ?? "")
    try reader.run(["tag", article, "+mine"])
    let push = try reader.attempt(["sync"])
    #expect(push.status != 0)
    #expect(push.errorOutput.contains("does not allow"))
  }

  /// Without a site's key nobody pushes under it: a head for it fails its signature check
  /// and the server keeps nothing. (Whoever holds a replica's key, e.g. a copy of its file,
  /// signs as that replica: keys are what protocol 2 trusts, `Protocol/signing.md` §7.)
  @Test func aUserCannotPushUnderAnotherUsersSite() throws {
    let team = try Team(users: ["alice", "bob"])
    try team["alice"].run(["import", Fixture.articlePath])
    try team["alice"].run(["sync"])
    let alice = try #require(SiteID(rawValue: try CopiedReplicaEndToEndTests.site(team["alice"])))
    let vector = try SigningEndToEndTests.serverVector(team, token: team.tokens["bob"])
    let held = vector[alice.rawValue] ?? 0
    let forged = Change(
      site: alice, seq: held + 1,
      hlc: HybridTimestamp(milliseconds: UInt64(Date().timeIntervalSince1970 * 1000), counter: 0),
      author: "alice", entity: .article("forged"), field: Field.title, op: .set,
      value: .string("forged"))
    let line = ChangeJSON.encode(forged)
    let changes = "\(team.server.url)\(SyncProtocol.pathPrefix)/spaces/newsroom/changes"

    // Bob's own signature on a head claiming Alice's site: his key does not derive it.
    let bob = SiteKey()
    let claimed = String(
      decoding: SignedHead(
        signing: SiteChain(seq: held + 1, hash: SiteChain.empty.hash), author: "alice", with: bob
      ).encoded(), as: UTF8.self
    ).replacingOccurrences(of: bob.site.rawValue, with: alice.rawValue)
    let refused = rawRequest(
      "POST", changes, token: team.tokens["bob"],
      body: SignedPush.body([line], heads: [Array(claimed.utf8)]))
    #expect(refused.status == 400, "\(refused.body)")
    #expect(refused.body.contains(#""rule":"H2""#), "\(refused.body)")
    // A head of Bob's own site covers no change of Alice's.
    let uncovered = rawRequest(
      "POST", changes, token: team.tokens["bob"],
      body: SignedPush.body([line], author: "bob", key: bob))
    #expect(uncovered.status == 400, "\(uncovered.body)")
    #expect(uncovered.body.contains(#""code":"invalid-head""#), "\(uncovered.body)")

    #expect(try SigningEndToEndTests.serverVector(team, token: team.tokens["bob"]) == vector)
    try team["bob"].run(["sync"])
    #expect(!(try team["bob"].run(["export"])).contains("forged"))
  }

  @Test func malformedAndHugeBodiesGetJSONErrorsAndTheServerStaysUp() throws {
    let team = try Team(users: ["alice"])
    let token = team.tokens["alice"]
    let changes = "\(team.server.url)\(SyncProtocol.pathPrefix)/spaces/newsroom/changes"
    let notJSON = rawRequest("POST", changes, token: token, body: Data("hello".utf8))
    #expect(notJSON.status == 400)
    #expect(notJSON.body.contains("\"error\""))
    let wrongShape = rawRequest(
      "POST", changes, token: token, body: Data(#"{"changes": [{"seq": "x"}],"heads":[]}"#.utf8))
    #expect(wrongShape.status == 400)
    let huge = rawRequest(
      "POST", changes, token: token,
      body: Data(repeating: UInt8(ascii: " "), count: 9 * 1024 * 1024))
    #expect(huge.status == 413)
    #expect(
      rawRequest("GET", "\(team.server.url)\(SyncProtocol.pathPrefix)/health", token: nil).status
        == 200)
    try team["alice"].run(["import", Fixture.articlePath])
    #expect(try team["alice"].run(["sync"]).contains("Synced"))
  }
}
