import FolioModel
import FolioServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Authentication and authorization")
struct AuthenticationTests {
  @Test(arguments: StoreKind.allCases) func healthNeedsNoToken(store: StoreKind) async throws {
    try await withServer(store: store) { client, _ in
      let response = try await client.execute(uri: "/v2/health", method: .get)
      #expect(response.status == .ok)
      #expect(try response.decode(HealthResponse.self) == HealthResponse(status: "ok"))
    }
  }

  @Test(arguments: StoreKind.allCases) func missingOrUnknownTokensGet401(store: StoreKind)
    async throws
  {
    try await withServer(store: store) { client, fixture in
      let changes = makeChanges(site: TestSites.make(), count: 1)
      let unknown = TokenGenerator.newToken()
      for token in [nil, unknown, "", "fol_short"] {
        expectError(try await client.pull(token: token), .unauthorized, "unauthorized")
        expectError(try await client.vector(token: token), .unauthorized, "unauthorized")
        let push = try await client.push(changes, token: token)
        expectError(push, .unauthorized, "unauthorized")
        #expect(push.headers[.wwwAuthenticate] == "Bearer realm=\"folio\"")
      }
      for header in [
        "Basic \(fixture.alice)", fixture.alice, "Bearer", "Bearer \(fixture.alice) x",
      ] {
        let response = try await client.execute(
          uri: "/v2/spaces/team/changes", method: .get, headers: [.authorization: header])
        expectError(response, .unauthorized, "unauthorized")
      }
      let lowercaseScheme = try await client.execute(
        uri: "/v2/spaces/team/changes", method: .get,
        headers: [.authorization: "bearer \(fixture.alice)"])
      #expect(lowercaseScheme.status == .ok)
    }
  }

  @Test(arguments: StoreKind.allCases) func aRevokedTokenGets401(store: StoreKind) async throws {
    try await withServer(store: store) { client, fixture in
      #expect(try await client.pull(token: fixture.alice).status == .ok)
      _ = try await fixture.store.revokeToken(idPrefix: fixture.aliceRecord.id)
      expectError(try await client.pull(token: fixture.alice), .unauthorized, "unauthorized")
      let push = try await client.push(
        makeChanges(site: TestSites.make(), count: 1), token: fixture.alice)
      expectError(push, .unauthorized, "unauthorized")
    }
  }

  @Test(arguments: StoreKind.allCases) func aTokenForAnotherSpaceGets403(store: StoreKind)
    async throws
  {
    try await withServer(store: store) { client, fixture in
      _ = try await client.push(makeChanges(site: TestSites.make(), count: 1), token: fixture.alice)
      expectError(try await client.pull(token: fixture.carol), .forbidden, "forbidden")
      expectError(try await client.vector(token: fixture.carol), .forbidden, "forbidden")
      let push = try await client.push(
        makeChanges(site: TestSites.make(), count: 1), token: fixture.carol)
      expectError(push, .forbidden, "forbidden")
      // Nothing of team leaked into other, nor the reverse.
      let page = try await client.pull(token: fixture.carol, space: "other").decode(
        PullResponse.self)
      #expect(page.changes.isEmpty)
    }
  }

  @Test(arguments: StoreKind.allCases) func anUnknownSpaceLooksLikeAForbiddenOne(store: StoreKind)
    async throws
  {
    try await withServer(store: store) { client, fixture in
      let unknown = try await client.pull(token: fixture.alice, space: "nosuch")
      let existing = try await client.pull(token: fixture.alice, space: "other")
      expectError(unknown, .forbidden, "forbidden")
      expectError(existing, .forbidden, "forbidden")
      #expect(String(buffer: unknown.body) == String(buffer: existing.body))
      let push = try await client.push(
        makeChanges(site: TestSites.make(), count: 1), token: fixture.alice, space: "nosuch")
      expectError(push, .forbidden, "forbidden")
    }
  }

  @Test(arguments: StoreKind.allCases) func aReadOnlyTokenCannotPush(store: StoreKind) async throws
  {
    try await withServer(store: store) { client, fixture in
      let response = try await client.push(
        makeChanges(site: TestSites.make(), count: 1), token: fixture.bob)
      expectError(response, .forbidden, "read-only")
      let page = try await client.pull(token: fixture.bob).decode(PullResponse.self)
      #expect(page.changes.isEmpty)
    }
  }

  @Test(arguments: StoreKind.allCases) func unknownEndpointsAnswerWithAJSONError(store: StoreKind)
    async throws
  {
    try await withServer(store: store) { client, fixture in
      expectError(
        try await client.execute(uri: "/v2/nothing", method: .get), .notFound, "not-found")
      let wrongMethod = try await client.execute(
        uri: "/v2/spaces/team/vector", method: .post, headers: bearer(fixture.alice))
      // The endpoint exists: a method it has not is 405, not "no such endpoint".
      expectError(wrongMethod, .methodNotAllowed, "method-not-allowed")
    }
  }
}
