import FolioModel
import FolioServer
import FolioTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The stores the protocol tests run against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
  case sqlite
  case postgres

  var testDescription: String { rawValue }
}

/// A fresh store (an SQLite file in its own temporary folder, or a PostgreSQL database of its
/// own) with a space `team` (tokens for alice, read-write, bob, read-only, and dave) and a
/// space `other` (a token for carol).
struct ServerFixture: Sendable {
  let folder: URL
  let store: any ChangeStore
  let alice: String
  let aliceRecord: TokenRecord
  let bob: String
  let carol: String
  let dave: String

  var databasePath: String { folder.appendingPathComponent("server.sqlite").path }

  /// Runs `body` with a fixture on `kind`, then removes it. With `.postgres` and no
  /// `FOLIO_TEST_POSTGRES_URL`, prints why and does not run `body`.
  static func with(
    _ kind: StoreKind, _ body: @Sendable (ServerFixture) async throws -> Void
  ) async throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("folio-server-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    switch kind {
    case .sqlite:
      let store = try SQLiteChangeStore(path: folder.appendingPathComponent("server.sqlite").path)
      try await body(try await make(store, folder: folder))
    case .postgres:
      guard let url = try TestPostgres.createDatabase() else {
        print(TestPostgres.skipReason)
        return
      }
      defer { TestPostgres.dropDatabase(url: url) }
      try await PostgresChangeStore.withStore(url: try PostgresURL(url)) { store in
        try await body(try await make(store, folder: folder))
      }
    }
  }

  private static func make(_ store: any ChangeStore, folder: URL) async throws -> ServerFixture {
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
}

/// Runs `body` against an in-process server over a fresh fixture on `kind`, then removes
/// the fixture.
func withServer(
  store kind: StoreKind = .sqlite, limits: ServerLimits = .standard,
  _ body: @Sendable (any TestClientProtocol, ServerFixture) async throws -> Void
) async throws {
  try await ServerFixture.with(kind) { fixture in
    try await serve(fixture.store, limits: limits) { client in try await body(client, fixture) }
  }
}

private func serve(
  _ store: some ChangeStore, limits: ServerLimits,
  _ body: @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
  let app = buildApplication(store: store, configuration: ServerConfiguration(limits: limits))
  try await app.test(.router, body)
}

/// The current wall clock in Unix milliseconds.
func nowMilliseconds() -> UInt64 { ServerConfiguration.systemMilliseconds() }

/// `count` title edits of one article by `site`, seq `first` onwards, clocked now; recorded
/// as made by `site` (`TestSites`), so that a push of them carries the site's signed head.
func makeChanges(
  site: SiteID, from first: Int = 1, count: Int, author: String = "alice",
  milliseconds: UInt64 = nowMilliseconds()
) -> [Change] {
  let changes = (first..<first + count).map { seq in
    Change(
      site: site, seq: seq,
      hlc: HybridTimestamp(milliseconds: milliseconds, counter: UInt16(seq % 65_536)),
      author: author, entity: .article("a1"), field: Field.title, op: .set,
      value: .string("title \(seq)"))
  }
  TestSites.record(changes)
  return changes
}

func bearer(_ token: String?) -> HTTPFields {
  guard let token else { return [:] }
  return [.authorization: "Bearer \(token)"]
}

func encodeBody(_ value: some Encodable) throws -> ByteBuffer {
  ByteBuffer(bytes: try JSONEncoder().encode(value))
}

extension TestClientProtocol {
  /// Pushes `changes` with the heads their sites sign (`TestSites`), or with `heads`.
  func push(
    _ changes: [Change], heads: [SignedHead]? = nil, token: String?, space: String = "team"
  ) async throws -> TestResponse {
    let request = PushRequest(changes: changes, heads: heads ?? TestSites.heads(for: changes))
    return try await execute(
      uri: "/v2/spaces/\(space)/changes", method: .post, headers: bearer(token),
      body: ByteBuffer(bytes: request.encoded()))
  }

  func pushRaw(_ body: ByteBuffer, token: String?, space: String = "team") async throws
    -> TestResponse
  {
    try await execute(
      uri: "/v2/spaces/\(space)/changes", method: .post, headers: bearer(token), body: body)
  }

  func pull(
    after: Int? = nil, limit: Int? = nil, token: String?, space: String = "team"
  ) async throws -> TestResponse {
    var query: [String] = []
    if let after { query.append("after=\(after)") }
    if let limit { query.append("limit=\(limit)") }
    let suffix = query.isEmpty ? "" : "?" + query.joined(separator: "&")
    return try await execute(
      uri: "/v2/spaces/\(space)/changes\(suffix)", method: .get, headers: bearer(token))
  }

  func vector(token: String?, space: String = "team") async throws -> TestResponse {
    try await execute(uri: "/v2/spaces/\(space)/vector", method: .get, headers: bearer(token))
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
