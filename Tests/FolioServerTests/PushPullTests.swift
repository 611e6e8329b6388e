import FolioModel
import FolioServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Push and pull")
struct PushPullTests {
  @Test(arguments: StoreKind.allCases) func pushThenPullReturnsTheSameChanges(store: StoreKind)
    async throws
  {
    try await withServer(store: store) { client, fixture in
      let site = TestSites.make()
      let changes = makeChanges(site: site, count: 3)
      let pushed = try await client.push(changes, token: fixture.alice)
      #expect(pushed.status == .ok)
      #expect(
        try pushed.decode(PushResponse.self) == PushResponse(accepted: 3, duplicates: 0, cursor: 3))

      let pulled = try await client.pull(token: fixture.alice)
      #expect(pulled.status == .ok)
      let head = try #require(TestSites.head(of: site, at: 3))
      #expect(
        try pulled.decode(PullResponse.self)
          == PullResponse(changes: changes, heads: [head], cursor: 3, more: false))
      // The page is the stored canonical bytes of the changes and of the head, concatenated.
      let canonical = changes.map { String(decoding: ChangeJSON.encode($0), as: UTF8.self) }
      let expected =
        "{\"changes\":[\(canonical.joined(separator: ","))],\"cursor\":3,"
        + "\"heads\":[\(String(decoding: head.encoded(), as: UTF8.self))],\"more\":false}"
      #expect(String(buffer: pulled.body) == expected)

      let vector = try await client.vector(token: fixture.alice)
      #expect(
        try vector.decode(VectorResponse.self)
          == VectorResponse(vector: VersionVector([site: 3]), cursor: 3))
    }
  }

  @Test(arguments: StoreKind.allCases) func readOnlyTokenCanPull(store: StoreKind) async throws {
    try await withServer(store: store) { client, fixture in
      let changes = makeChanges(site: TestSites.make(), count: 2)
      _ = try await client.push(changes, token: fixture.alice)
      let pulled = try await client.pull(token: fixture.bob)
      #expect(pulled.status == .ok)
      #expect(try pulled.decode(PullResponse.self).changes == changes)
      #expect(try await client.vector(token: fixture.bob).status == .ok)
    }
  }

  @Test(arguments: StoreKind.allCases) func pagesFollowTheCursor(store: StoreKind) async throws {
    try await withServer(store: store) { client, fixture in
      let changes = makeChanges(site: TestSites.make(), count: 7)
      // One push per change: each has its head, so a page may end after any of them.
      for change in changes { _ = try await client.push([change], token: fixture.alice) }

      var pages: [PullResponse] = []
      var cursor = 0
      repeat {
        let response = try await client.pull(after: cursor, limit: 3, token: fixture.alice)
        #expect(response.status == .ok)
        let page = try response.decode(PullResponse.self)
        pages.append(page)
        cursor = page.cursor
      } while pages.last?.more == true && pages.count < 10
      #expect(pages.map(\.changes.count) == [3, 3, 1])
      #expect(pages.map(\.cursor) == [3, 6, 7])
      #expect(pages.map(\.more) == [true, true, false])
      #expect(pages.flatMap(\.changes) == changes)
      #expect(pages.map { $0.heads.map(\.seq) } == [[3], [6], [7]])

      let past = try await client.pull(after: 7, token: fixture.alice).decode(PullResponse.self)
      #expect(past == PullResponse(changes: [], heads: [], cursor: 7, more: false))
      let beyond = try await client.pull(after: 50, token: fixture.alice).decode(PullResponse.self)
      #expect(beyond == PullResponse(changes: [], heads: [], cursor: 50, more: false))
    }
  }

  @Test(arguments: StoreKind.allCases) func limitAboveTheMaximumIsLowered(store: StoreKind)
    async throws
  {
    var limits = ServerLimits()
    limits.maximumPageLimit = 4
    limits.defaultPageLimit = 2
    try await withServer(store: store, limits: limits) { client, fixture in
      for change in makeChanges(site: TestSites.make(), count: 5) {
        _ = try await client.push([change], token: fixture.alice)
      }
      let capped = try await client.pull(limit: 100, token: fixture.alice).decode(PullResponse.self)
      #expect(capped.changes.count == 4)
      #expect(capped.more)
      let byDefault = try await client.pull(token: fixture.alice).decode(PullResponse.self)
      #expect(byDefault.changes.count == 2)
      #expect(byDefault.cursor == 2)
    }
  }

  @Test(arguments: StoreKind.allCases) func badPagingParametersAreRefused(store: StoreKind)
    async throws
  {
    try await withServer(store: store) { client, fixture in
      for uri in [
        "/v2/spaces/team/changes?limit=0", "/v2/spaces/team/changes?after=-1",
        "/v2/spaces/team/changes?after=abc", "/v2/spaces/team/changes?limit=1.5",
        "/v2/spaces/team/changes?limit=+5", "/v2/spaces/team/changes?after=",
        "/v2/spaces/team/changes?after=1.0", "/v2/spaces/team/changes?after=9007199254740992",
        "/v2/spaces/team/changes?wait=-0",
      ] {
        let response = try await client.execute(
          uri: uri, method: .get, headers: bearer(fixture.alice))
        expectError(response, .badRequest, "bad-request")
      }
    }
  }

  @Test(arguments: StoreKind.allCases) func changesComeBackInArrivalOrderAcrossSites(
    store: StoreKind
  ) async throws {
    try await withServer(store: store) { client, fixture in
      let first = TestSites.make()
      let second = TestSites.make()
      let a = makeChanges(site: first, count: 3)
      let b = makeChanges(site: second, count: 1, author: "dave")
      _ = try await client.push(Array(a[0..<2]), token: fixture.alice)
      _ = try await client.push(b, token: fixture.dave)
      let last = try await client.push([a[2]], token: fixture.alice)
      #expect(try last.decode(PushResponse.self).cursor == 4)
      let page = try await client.pull(token: fixture.bob).decode(PullResponse.self)
      #expect(page.changes == [a[0], a[1], b[0], a[2]])
      #expect(page.heads.map(\.site) == [first, second].sorted())
      #expect(page.heads.map(\.seq) == [first, second].sorted().map { $0 == first ? 3 : 1 })
      let vector = try await client.vector(token: fixture.bob).decode(VectorResponse.self)
      #expect(vector == VectorResponse(vector: VersionVector([first: 3, second: 1]), cursor: 4))
    }
  }

  @Test(arguments: StoreKind.allCases) func pushingTheSameChangesAgainIsANoOp(store: StoreKind)
    async throws
  {
    try await withServer(store: store) { client, fixture in
      let site = TestSites.make()
      let changes = makeChanges(site: site, count: 5)
      let first = try await client.push(Array(changes[0..<3]), token: fixture.alice)
      #expect(
        try first.decode(PushResponse.self) == PushResponse(accepted: 3, duplicates: 0, cursor: 3))
      let again = try await client.push(Array(changes[0..<3]), token: fixture.alice)
      #expect(
        try again.decode(PushResponse.self) == PushResponse(accepted: 0, duplicates: 3, cursor: 3))
      let overlapping = try await client.push(changes, token: fixture.alice)
      #expect(
        try overlapping.decode(PushResponse.self)
          == PushResponse(accepted: 2, duplicates: 3, cursor: 5))
      let repeatedInBatch = try await client.push([changes[4], changes[4]], token: fixture.alice)
      #expect(
        try repeatedInBatch.decode(PushResponse.self)
          == PushResponse(accepted: 0, duplicates: 2, cursor: 5))
      let page = try await client.pull(token: fixture.alice).decode(PullResponse.self)
      #expect(page.changes == changes)
    }
  }

  @Test(arguments: StoreKind.allCases) func aChangeRepeatedWithinOneBatchCountsOnce(
    store: StoreKind
  ) async throws {
    try await withServer(store: store) { client, fixture in
      let change = makeChanges(site: TestSites.make(), count: 1)[0]
      let response = try await client.push([change, change], token: fixture.alice)
      #expect(
        try response.decode(PushResponse.self)
          == PushResponse(accepted: 1, duplicates: 1, cursor: 1))
    }
  }

  @Test(arguments: StoreKind.allCases) func anEmptyPushStoresNothing(store: StoreKind) async throws
  {
    try await withServer(store: store) { client, fixture in
      _ = try await client.push(makeChanges(site: TestSites.make(), count: 2), token: fixture.alice)
      let response = try await client.push([], token: fixture.alice)
      #expect(
        try response.decode(PushResponse.self)
          == PushResponse(accepted: 0, duplicates: 0, cursor: 2))
    }
  }
}
