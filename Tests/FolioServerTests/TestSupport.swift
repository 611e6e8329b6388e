import FolioModel
import FolioServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A fresh SQLite store in its own temporary folder, with a space `team` (tokens for alice,
/// read-write, and bob, read-only) and a space `other` (a token for carol).
struct ServerFixture {
  let folder: URL
  let store: SQLiteChangeStore
  let alice: String
  let aliceRecord: TokenRecord
  let bob: String
  let carol: String
  let dave: String

  var databasePath: String { folder.appendingPathComponent("server.sqlite").path }

  static func make() async throws -> ServerFixture {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("folio-server-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let store = try SQLiteChangeStore(path: folder.appendingPathComponent("server.sqlite").path)
    try await store.createSpace(named: "team")
    try await store.createSpace(named: "other")
    let alice = try await store.issueToken(space: "team", user: "alice", readOnly: false)
    let bob = try await store.issueToken(space: "team", user: "bob", readOnly: true)
    let carol = try await store.issueToken(space: "other", user: "carol", readOnly: false)
    let dave = try await store.issueToken(space: "team", user: "dave", readOnly: false)
    return ServerFixture(
      folder: folder, store: store, alice: alice.token, aliceRecord: alice.record,
      bob: bob.token, carol: carol.token, dave: dave.token)
  }

  func remove() {
    try? FileManager.default.removeItem(at: folder)
  }
}

/// Runs `body` against an in-process server over a fresh fixture, then removes the fixture.
func withServer(
  limits: ServerLimits = .standard,
  _ body: @Sendable (any TestClientProtocol, ServerFixture) async throws -> Void
) async throws {
  let fixture = try await ServerFixture.make()
  defer { fixture.remove() }
  let app = buildApplication(
    store: fixture.store, configuration: ServerConfiguration(limits: limits))
  try await app.test(.router) { client in try await body(client, fixture) }
}

/// The current wall clock in Unix milliseconds.
func nowMilliseconds() -> UInt64 { ServerConfiguration.systemMilliseconds() }

/// `count` title edits of one article by `site`, seq `first` onwards, clocked now.
func makeChanges(
  site: SiteID, from first: Int = 1, count: Int, author: String = "alice",
  milliseconds: UInt64 = nowMilliseconds()
) -> [Change] {
  (first..<first + count).map { seq in
    Change(
      site: site, seq: seq,
      hlc: HybridTimestamp(milliseconds: milliseconds, counter: UInt16(seq % 65_536)),
      author: author, entity: .article("a1"), field: Field.title, op: .set,
      value: .string("title \(seq)"))
  }
}

func bearer(_ token: String?) -> HTTPFields {
  guard let token else { return [:] }
  return [.authorization: "Bearer \(token)"]
}

func encodeBody(_ value: some Encodable) throws -> ByteBuffer {
  ByteBuffer(bytes: try JSONEncoder().encode(value))
}

extension TestClientProtocol {
  func push(
    _ changes: [Change], token: String?, space: String = "team"
  ) async throws -> TestResponse {
    try await execute(
      uri: "/v1/spaces/\(space)/changes", method: .post, headers: bearer(token),
      body: ByteBuffer(bytes: PushRequest(changes: changes).encoded()))
  }

  func pushRaw(_ body: ByteBuffer, token: String?, space: String = "team") async throws
    -> TestResponse
  {
    try await execute(
      uri: "/v1/spaces/\(space)/changes", method: .post, headers: bearer(token), body: body)
  }

  func pull(
    after: Int? = nil, limit: Int? = nil, token: String?, space: String = "team"
  ) async throws -> TestResponse {
    var query: [String] = []
    if let after { query.append("after=\(after)") }
    if let limit { query.append("limit=\(limit)") }
    let suffix = query.isEmpty ? "" : "?" + query.joined(separator: "&")
    return try await execute(
      uri: "/v1/spaces/\(space)/changes\(suffix)", method: .get, headers: bearer(token))
  }

  func vector(token: String?, space: String = "team") async throws -> TestResponse {
    try await execute(uri: "/v1/spaces/\(space)/vector", method: .get, headers: bearer(token))
  }
}

extension TestResponse {
  func decode<T: Decodable>(_ type: T.Type) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
  }

  /// A pull page, read by the one change codec.
  func decode(_ type: PullResponse.Type) throws -> PullResponse {
    try PullResponse.decode(Array(body.readableBytesView))
  }

  /// The body as a generic JSON value.
  func json() throws -> JSONValue {
    try decode(JSONValue.self)
  }

  /// The error code of an error body; records an issue when the body is not one.
  func errorCode(sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    do {
      return try decode(ErrorResponse.self).error.code.rawValue
    } catch {
      Issue.record(
        "not an error body (\(error)): \(String(buffer: body))", sourceLocation: sourceLocation)
      return nil
    }
  }
}

/// Expects `response` to be an error with `status` and `code`, with a body that follows
/// `schemas/error.schema.json`.
func expectError(
  _ response: TestResponse, _ status: HTTPResponse.Status, _ code: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(response.status == status, sourceLocation: sourceLocation)
  #expect(
    response.errorCode(sourceLocation: sourceLocation) == code, sourceLocation: sourceLocation)
  #expect(
    response.headers[.contentType]?.hasPrefix("application/json") == true,
    sourceLocation: sourceLocation)
  do {
    let problems = try SchemaCheck.load("error.schema.json").problems(in: try response.json())
    #expect(problems == [], sourceLocation: sourceLocation)
  } catch {
    Issue.record(error, sourceLocation: sourceLocation)
  }
}
