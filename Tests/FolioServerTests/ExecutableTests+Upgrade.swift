import FolioModel
import FolioSQLite
import FolioServer
import FolioTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A database written by the protocol 1 server (`Fixtures/`, schema 1) opens in this one:
/// its spaces and tokens work, its unsigned changes are set aside and no longer served, and
/// the operator is told so once.
extension ExecutableTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

  /// The fixture's tokens for alice (read-write) and bob (read-only) on `team`.
  static func fixtureTokens(_ store: StoreKind) -> (alice: String, bob: String) {
    switch store {
    case .sqlite:
      return (
        "fol_ab3da2bfc0896a522bedd2ebb7a3a7940e1180d6834fa81d18b538d1e7c707a8",
        "fol_0fee33a1417c5564329faef2802debb3c54d6f6ed30153ba1bf503f50318d8d3"
      )
    case .postgres:
      return (
        "fol_5669c3c55a2435e324ab9f4796d8465580df2a760e609491bfb35cb522176966",
        "fol_c0b137707abdf3d7bc87d57dd104d961ecff19d2682e4d9f1f6bb0be02f95ff4"
      )
    }
  }

  @Test(arguments: StoreKind.allCases)
  func aProtocol1DatabaseKeepsSpacesAndTokensAndSetsItsChangesAside(store: StoreKind)
    async throws
  {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("server.sqlite").path
    var data = ["--data", path]
    switch store {
    case .sqlite:
      try FileManager.default.copyItem(
        atPath: Self.fixtures.appendingPathComponent("server-v1.sqlite").path, toPath: path)
    case .postgres:
      guard let url = try TestPostgres.createDatabase() else {
        print(TestPostgres.skipReason)
        return
      }
      let dump = try String(
        contentsOf: Self.fixtures.appendingPathComponent("server-v1-postgres.sql"),
        encoding: .utf8)
      try TestPostgres.psql(url, dump)
      data = ["--database", url]
    }
    defer { if store == .postgres, let url = data.last { TestPostgres.dropDatabase(url: url) } }

    let listed = try run(["space", "list"] + data)
    #expect(listed.status == 0, "\(listed.stderr)")
    #expect(listed.stdout.contains("team") && listed.stdout.contains("other"))
    #expect(
      listed.stderr.contains(
        "2 unsigned changes of protocol 1 moved aside into table v1_unsigned_changes"),
      "\(listed.stderr)")
    #expect(listed.stderr.contains("spaces and tokens kept"))
    let tokens = try run(["token", "list", "--space", "team"] + data)
    #expect(tokens.stdout.contains("alice") && tokens.stdout.contains("bob"))
    #expect(!tokens.stderr.contains("moved aside"), "the upgrade runs once")

    // The unsigned changes are kept where nothing serves them.
    switch store {
    case .sqlite:
      let connection = try Connection(path: path, readOnly: true)
      #expect(try connection.scalarInt("SELECT count(*) FROM v1_unsigned_changes") == 2)
    case .postgres:
      let url = try #require(data.last)
      // Fails (division by zero) unless both changes are there.
      try TestPostgres.psql(url, "SELECT 1 / (count(*) = 2)::int FROM v1_unsigned_changes")
    }

    let (alice, bob) = Self.fixtureTokens(store)
    try await Self.withStore(store, data: data) { store in
      try await buildApplication(store: store).test(.router) { client in
        let empty = try await client.pull(token: alice).decode(PullResponse.self)
        #expect(empty == PullResponse(changes: [], heads: [], cursor: 0, more: false))
        // The space's numbering goes on past the set-aside changes: no old cursor skips.
        let vector = try await client.vector(token: bob).decode(VectorResponse.self)
        #expect(vector == VectorResponse(vector: VersionVector(), cursor: 2))
        let changes = makeChanges(site: TestSites.make(), count: 2)
        let pushed = try await client.push(changes, token: alice).decode(PushResponse.self)
        #expect(pushed == PushResponse(accepted: 2, duplicates: 0, cursor: 4))
        expectError(try await client.push(changes, token: bob), .forbidden, "read-only")
        let page = try await client.pull(after: 2, token: bob).decode(PullResponse.self)
        #expect(page.changes == changes && page.cursor == 4)
      }
    }
  }

  /// Runs `body` with the store `data` names.
  static func withStore(
    _ kind: StoreKind, data: [String], _ body: @Sendable (any ChangeStore) async throws -> Void
  ) async throws {
    let location = try #require(data.last)
    switch kind {
    case .sqlite: try await body(try SQLiteChangeStore(path: location))
    case .postgres:
      try await PostgresChangeStore.withStore(url: try PostgresURL(location)) { try await body($0) }
    }
  }
}
