import FolioModel
import FolioServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Signed authorship on the server (`Protocol/signing.md` §4–§6): every head rule refused
/// with its id, forged authors refused, relaying allowed once a site's own user has pushed,
/// and pull pages that always end at heads.
@Suite("Signed pushes")
struct SignedPushTests {
  /// Expects `response` to be 400 `invalid-head` naming `rule` and `site`.
  func expectInvalidHead(
    _ response: TestResponse, _ rule: HeadRule, site: SiteID?,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    expectError(response, .badRequest, "invalid-head", sourceLocation: sourceLocation)
    let detail = try? response.decode(ErrorResponse.self).error
    #expect(
      detail?.rule == rule.rawValue, "\(detail?.message ?? "")", sourceLocation: sourceLocation)
    #expect(detail?.site == site, sourceLocation: sourceLocation)
  }

  /// Expects nothing stored in `team`.
  func expectNothingStored(
    _ client: some TestClientProtocol, _ fixture: ServerFixture,
    sourceLocation: SourceLocation = #_sourceLocation
  ) async throws {
    let vector = try await client.vector(token: fixture.alice).decode(VectorResponse.self)
    #expect(
      vector == VectorResponse(vector: VersionVector(), cursor: 0), sourceLocation: sourceLocation)
  }

  /// `head` as canonical JSON, with `edit` applied to its text.
  func editedHead(_ head: SignedHead, _ edit: (String) -> String) -> String {
    edit(String(decoding: head.encoded(), as: UTF8.self))
  }

  /// A raw push body of `changes` and the heads' JSON texts, as given.
  func rawBody(_ changes: [Change], heads: [String]) -> ByteBuffer {
    let list = changes.map { String(decoding: ChangeJSON.encode($0), as: UTF8.self) }
    return ByteBuffer(
      string: #"{"changes":["# + list.joined(separator: ",") + #"],"heads":["#
        + heads.joined(separator: ",") + "]}")
  }

  @Test(arguments: StoreKind.allCases) func everyHeadRuleIsRefusedWithItsId(store: StoreKind)
    async throws
  {
    try await withServer(store: store) { client, fixture in
      let site = TestSites.make()
      let changes = makeChanges(site: site, count: 2)
      let head = try #require(TestSites.head(of: site, at: 2))

      // H1: not its canonical JSON.
      let spaced = editedHead(head) { $0.replacingOccurrences(of: #""seq":2"#, with: #""seq": 2"#) }
      expectInvalidHead(
        try await client.pushRaw(rawBody(changes, heads: [spaced]), token: fixture.alice),
        .form, site: site)
      // H2: a site that is not derived from the key.
      let otherKey = try #require(TestSites.key(of: TestSites.make())).publicKey.hex
      let swapped = editedHead(head) { $0.replacingOccurrences(of: head.key.hex, with: otherKey) }
      expectInvalidHead(
        try await client.pushRaw(rawBody(changes, heads: [swapped]), token: fixture.alice),
        .keyForSite, site: site)
      // H3: the author changed after signing.
      let renamed = editedHead(head) {
        $0.replacingOccurrences(of: #""author":"alice""#, with: #""author":"dave""#)
      }
      expectInvalidHead(
        try await client.pushRaw(rawBody(changes, heads: [renamed]), token: fixture.dave),
        .signature, site: site)
      // H4: a change altered after its head was signed.
      var altered = changes
      altered[1].value = .string("forged")
      expectInvalidHead(
        try await client.push(altered, heads: [head], token: fixture.alice), .chain, site: site)
      // H5: a change by another author than the head's.
      let byDave = makeChanges(site: TestSites.make(), count: 1, author: "dave")
      let daveSiteHead = try #require(
        TestSites.head(of: byDave[0].site, at: 1, author: "alice"))
      expectInvalidHead(
        try await client.push(byDave, heads: [daveSiteHead], token: fixture.alice), .author,
        site: byDave[0].site)
      // H6: no head; a head below the site's last change; heads not sorted by site.
      expectInvalidHead(
        try await client.push(changes, heads: [], token: fixture.alice), .coverage, site: site)
      let early = try #require(TestSites.head(of: site, at: 1))
      expectInvalidHead(
        try await client.push(changes, heads: [early], token: fixture.alice), .coverage,
        site: site)
      let second = TestSites.make()
      let both = changes + makeChanges(site: second, count: 1)
      let heads = TestSites.heads(for: both).map { String(decoding: $0.encoded(), as: UTF8.self) }
      let unsorted = try await client.pushRaw(
        rawBody(both, heads: heads.reversed()), token: fixture.alice)
      expectError(unsorted, .badRequest, "invalid-head")
      #expect(try unsorted.decode(ErrorResponse.self).error.rule == "H6")
      try await expectNothingStored(client, fixture)

      // H4 holds for changes the server already has, against the chain it stored.
      #expect(try await client.push(changes, token: fixture.alice).status == .ok)
      let key = try #require(TestSites.key(of: site))
      let otherChain = SignedHead(
        signing: SiteChain(seq: 1, hash: Array(repeating: 7, count: 32)), author: "alice",
        with: key)
      expectInvalidHead(
        try await client.push([changes[0]], heads: [otherChain], token: fixture.alice), .chain,
        site: site)
      let resent = try await client.push([changes[0]], token: fixture.alice)
      #expect(
        try resent.decode(PushResponse.self) == PushResponse(accepted: 0, duplicates: 1, cursor: 2))
    }
  }

  /// Forgery 7 of issue 12: the server compares a change's author with the token's user.
  @Test(arguments: StoreKind.allCases) func aForgedAuthorIsRefused(store: StoreKind) async throws {
    try await withServer(store: store) { client, fixture in
      // Dave's own new site writes changes as "alice" and signs them as "alice".
      let site = TestSites.make()
      let asAlice = makeChanges(site: site, count: 1, author: "alice")
      let claimed = try await client.push(asAlice, token: fixture.dave)
      expectError(claimed, .forbidden, "unregistered-site")
      #expect(try claimed.decode(ErrorResponse.self).error.site == site)
      // Signed as "dave", the changes still say "alice": H5.
      let signedAsDave = try #require(TestSites.head(of: site, at: 1, author: "dave"))
      expectInvalidHead(
        try await client.push(asAlice, heads: [signedAsDave], token: fixture.dave), .author,
        site: site)
      try await expectNothingStored(client, fixture)

      // Once dave's site is bound to dave, a head that says "alice" is another user's name.
      let daveSite = TestSites.make()
      let own = makeChanges(site: daveSite, count: 2, author: "dave")
      #expect(try await client.push([own[0]], token: fixture.dave).status == .ok)
      let renamed = makeChanges(site: daveSite, from: 2, count: 1, author: "alice")
      let owned = try await client.push(renamed, token: fixture.dave)
      expectError(owned, .forbidden, "site-owned")
      #expect(try owned.decode(ErrorResponse.self).error.site == daveSite)
      let vector = try await client.vector(token: fixture.alice).decode(VectorResponse.self)
      #expect(vector == VectorResponse(vector: VersionVector([daveSite: 1]), cursor: 1))
    }
  }

  /// A teammate relays a bound site's changes (a bundle he received) with his own token.
  @Test(arguments: StoreKind.allCases) func aBoundSitesChangesMayBeRelayedByAnyWriter(
    store: StoreKind
  ) async throws {
    try await withServer(store: store) { client, fixture in
      let site = TestSites.make()
      let changes = makeChanges(site: site, count: 4)
      #expect(try await client.push(Array(changes[0..<2]), token: fixture.alice).status == .ok)
      let relayed = try await client.push(changes, token: fixture.dave)
      #expect(
        try relayed.decode(PushResponse.self) == PushResponse(accepted: 2, duplicates: 2, cursor: 4)
      )
      let page = try await client.pull(token: fixture.bob).decode(PullResponse.self)
      #expect(page.changes == changes)
      #expect(page.heads == [try #require(TestSites.head(of: site, at: 4))])
      // The site is still alice's: a head that says dave is refused, even from dave.
      let more = makeChanges(site: site, from: 5, count: 1, author: "dave")
      expectError(try await client.push(more, token: fixture.dave), .forbidden, "site-owned")
    }
  }

  /// Forgery 9 of issue 12: relaying a site first takes nothing from its own user.
  @Test(arguments: StoreKind.allCases) func aRelayOfAnUnboundSiteWaitsForItsOwnUser(
    store: StoreKind
  ) async throws {
    try await withServer(store: store) { client, fixture in
      let carol = try await fixture.store.issueToken(space: "team", user: "carol", readOnly: false)
      let site = TestSites.make()
      let changes = makeChanges(site: site, count: 3, author: "carol")
      let relayed = try await client.push(changes, token: fixture.dave)
      expectError(relayed, .forbidden, "unregistered-site")
      let detail = try relayed.decode(ErrorResponse.self).error
      #expect(detail.site == site && detail.change == changes[0].dot)
      #expect(detail.message.contains("'carol'") && detail.message.contains("'dave'"))
      try await expectNothingStored(client, fixture)

      let own = try await client.push(Array(changes[0..<2]), token: carol.token)
      #expect(try own.decode(PushResponse.self).accepted == 2)
      let relayedAgain = try await client.push(changes, token: fixture.dave)
      #expect(
        try relayedAgain.decode(PushResponse.self)
          == PushResponse(accepted: 1, duplicates: 2, cursor: 3))
    }
  }

  @Test(arguments: StoreKind.allCases) func aPageCutInsideAPushRunsToItsHead(store: StoreKind)
    async throws
  {
    try await withServer(store: store) { client, fixture in
      let first = TestSites.make()
      let second = TestSites.make()
      let a = makeChanges(site: first, count: 7)
      let b = makeChanges(site: second, count: 3)
      // One push of both sites, interleaved, then one more change of the first.
      let mixed = [a[0], b[0], a[1], b[1], a[2], b[2], a[3], a[4], a[5]]
      #expect(try await client.push(mixed, token: fixture.alice).status == .ok)
      #expect(try await client.push([a[6]], token: fixture.alice).status == .ok)

      let page = try await client.pull(limit: 2, token: fixture.alice).decode(PullResponse.self)
      #expect(page.changes == mixed)
      #expect(page.cursor == 9 && page.more)
      let heads = [
        try #require(TestSites.head(of: first, at: 6)),
        try #require(TestSites.head(of: second, at: 3)),
      ]
      #expect(page.heads == heads.sorted { $0.site < $1.site })
      let rest = try await client.pull(after: 9, limit: 2, token: fixture.alice)
        .decode(PullResponse.self)
      #expect(
        rest
          == PullResponse(
            changes: [a[6]], heads: [try #require(TestSites.head(of: first, at: 7))], cursor: 10,
            more: false))
      // A fresh replica verifies both pages in turn (H4–H6), as `HeadVerifier` does for it.
      var held: [SiteID: SignedHead] = [:]
      for pulled in [page, rest] {
        let items = pulled.changes.map {
          HeadVerifier.Item(dot: $0.dot, author: $0.author, bytes: ChangeJSON.encode($0))
        }
        let advanced = try HeadVerifier.verify(items, heads: pulled.heads) {
          (site: SiteID) throws(InvalidHead) in held[site]?.siteChain ?? .empty
        }
        held.merge(advanced) { $1 }
      }
      #expect(held[first]?.seq == 7 && held[second]?.seq == 3)
      // The byte bound gives way too: a page of one byte still runs to the push's end.
      let tiny = try await fixture.store.changes(in: "team", after: 0, limit: 1, maximumBytes: 1)
      #expect(tiny.changes.count == 9 && tiny.heads.count == 2 && tiny.more)
    }
  }

  @Test func everyRequestUnderVersion1IsToldToUpgrade() async throws {
    try await withServer { client, fixture in
      for (uri, method) in [
        ("/v1/health", HTTPRequest.Method.get), ("/v1/spaces/team/changes", .post),
        ("/v1/spaces/team/changes?after=0", .get), ("/v1/spaces/team/vector", .get),
        ("/v1", .get), ("/v1/anything", .delete),
      ] {
        let response = try await client.execute(
          uri: uri, method: method, headers: bearer(fixture.alice),
          body: ByteBuffer(string: #"{"changes":[]}"#))
        expectError(response, .gone, "upgrade-required")
        let message = try response.decode(ErrorResponse.self).error.message
        #expect(message.contains("upgrade folio"), "\(message)")
      }
      let anonymous = try await client.execute(uri: "/v1/health", method: .get)
      expectError(anonymous, .gone, "upgrade-required")
      // A method the version 1 endpoint never had is 405, as under /v2 (schemathesis ST204).
      for (uri, allow) in [("/v1/health", "GET"), ("/v1/spaces/team/changes", "GET, POST")] {
        let trace = try await client.execute(uri: uri, method: .trace)
        expectError(trace, .methodNotAllowed, "method-not-allowed")
        #expect(trace.headers[.allow] == allow)
      }
      #expect(try await client.execute(uri: "/v2/health", method: .get).status == .ok)
      #expect(try await client.execute(uri: "/v10/health", method: .get).status == .notFound)
    }
  }
}
