import FolioModel
import FolioServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Change stores")
struct ChangeStoreTests {
  @Test func sqliteChangesAndTokensSurviveReopening() async throws {
    try await ServerFixture.with(.sqlite) { fixture in
      let site = TestSites.make()
      let changes = makeChanges(site: site, count: 4)
      try await buildApplication(store: fixture.store).test(.router) { client in
        let response = try await client.push(changes, token: fixture.alice)
        #expect(response.status == .ok)
      }

      let reopened = try SQLiteChangeStore(path: fixture.databasePath)
      try await buildApplication(store: reopened).test(.router) { client in
        let page = try await client.pull(token: fixture.alice).decode(PullResponse.self)
        let head = try #require(TestSites.head(of: site, at: 4))
        #expect(page == PullResponse(changes: changes, heads: [head], cursor: 4, more: false))
        let vector = try await client.vector(token: fixture.bob).decode(VectorResponse.self)
        #expect(vector == VectorResponse(vector: VersionVector([site: 4]), cursor: 4))
        // The site is still bound to alice, and the space's numbering goes on.
        let more = makeChanges(site: site, from: 5, count: 1)
        let renamed = try #require(TestSites.head(of: site, at: 5, author: "dave"))
        expectError(
          try await client.push(more, heads: [renamed], token: fixture.dave), .forbidden,
          "site-owned")
        let next = try await client.push(more, token: fixture.alice).decode(PushResponse.self)
        #expect(next == PushResponse(accepted: 1, duplicates: 0, cursor: 5))
      }
      #expect(try await reopened.spaceNames() == ["other", "team"])
    }
  }

  @Test(arguments: StoreKind.allCases) func spacesHaveValidUniqueNames(store kind: StoreKind)
    async throws
  {
    try await ServerFixture.with(kind) { fixture in
      let store = fixture.store
      await #expect(throws: StoreError(.spaceExists, "space 'team' already exists")) {
        try await store.createSpace(named: "team")
      }
      for bad in ["", "a b", "a/b", String(repeating: "x", count: 65), "é"] {
        do {
          try await store.createSpace(named: bad)
          Issue.record("created space '\(bad)'")
        } catch let error as StoreError {
          #expect(error.kind == .invalidName)
        }
      }
      try await store.createSpace(named: "Team_2.0-b")
      #expect(try await store.spaceNames() == ["Team_2.0-b", "other", "team"])
    }
  }

  /// A user's name is what the user's replicas write as: any author a person would type.
  @Test(arguments: StoreKind.allCases)
  func userNamesAreAuthorNames(_ kind: StoreKind) async throws {
    try await ServerFixture.with(kind) { fixture in
      let store = fixture.store
      for good in ["Zoë Martin", "alice", "李雷", String(repeating: "é", count: 100)] {
        let issued = try await store.issueToken(space: "team", user: good, readOnly: false)
        #expect(issued.record.user == good)
      }
      let tooLong = String(repeating: "é", count: 101)
      for bad in ["", " alice", "alice ", "a\u{7}b", "a\u{85}b", tooLong] {
        do {
          _ = try await store.issueToken(space: "team", user: bad, readOnly: false)
          Issue.record("issued a token to user '\(bad)'")
        } catch let error as StoreError {
          #expect(error.kind == .invalidName)
        }
      }
    }
  }

  @Test(arguments: StoreKind.allCases) func tokensAreStoredHashedListedAndRevoked(
    store kind: StoreKind
  ) async throws {
    try await ServerFixture.with(kind) { fixture in
      let store = fixture.store
      let record = try #require(try await store.token(hash: TokenGenerator.hash(fixture.alice)))
      #expect(record.user == "alice")
      #expect(record.space == "team")
      #expect(!record.readOnly)
      #expect(record.isActive)
      #expect(record.hash != fixture.alice)
      #expect(record.hash.count == 64)
      #expect(fixture.alice.hasPrefix("fol_"))
      #expect(fixture.alice.count == 4 + 64)

      let team = try await store.tokens(in: "team")
      #expect(Set(team.map(\.user)) == ["alice", "bob", "dave"])
      #expect(try await store.tokens(in: nil).count == 4)
      await #expect(throws: StoreError.self) { try await store.tokens(in: "nosuch") }
      await #expect(throws: StoreError.self) {
        try await store.issueToken(space: "nosuch", user: "eve", readOnly: false)
      }

      let revoked = try await store.revokeToken(idPrefix: String(record.hash.prefix(8)))
      #expect(revoked.hash == record.hash)
      #expect(revoked.revoked != nil)
      #expect(try await store.token(hash: record.hash)?.isActive == false)
      // Revoking again changes nothing.
      #expect(try await store.revokeToken(idPrefix: record.id).revoked == revoked.revoked)
    }
  }

  @Test(arguments: StoreKind.allCases) func revokingNeedsOneMatchingId(store kind: StoreKind)
    async throws
  {
    try await ServerFixture.with(kind) { fixture in
      let store = fixture.store
      let now = Date()
      for suffix in ["1", "2"] {
        try await store.addToken(
          TokenRecord(
            hash: "abcd" + String(repeating: suffix, count: 60), space: "team", user: "eve",
            readOnly: false, created: now))
      }
      do {
        _ = try await store.revokeToken(idPrefix: "abcd")
        Issue.record("revoked an ambiguous prefix")
      } catch let error as StoreError {
        #expect(error.kind == .ambiguousToken)
      }
      for unknown in ["ffff0000", "abc", "ABCD", "abcd%"] {
        do {
          _ = try await store.revokeToken(idPrefix: unknown)
          Issue.record("revoked \(unknown)")
        } catch let error as StoreError {
          #expect(error.kind == .unknownToken)
        }
      }
      #expect(try await store.revokeToken(idPrefix: "abcd1").user == "eve")
    }
  }
}
