import FolioModel
import FolioServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Push refusals over HTTP")
struct PushRefusalTests {
  @Test(arguments: StoreKind.allCases) func sameSiteAndSeqWithDifferentContentIsAConflict(
    store: StoreKind
  ) async throws {
    try await withServer(store: store) { client, fixture in
      let site = TestSites.make()
      let original = makeChanges(site: site, count: 1)[0]
      _ = try await client.push([original], token: fixture.alice)
      var altered = original
      altered.value = .string("something else")
      let response = try await client.push([altered], token: fixture.alice)
      expectError(response, .conflict, "conflicting-change")
      #expect(try response.decode(ErrorResponse.self).error.change == original.dot)
    }
  }

  @Test(arguments: StoreKind.allCases) func aRefusedChangeRefusesTheWholeBatch(store: StoreKind)
    async throws
  {
    try await withServer(store: store) { client, fixture in
      let site = TestSites.make()
      let changes = makeChanges(site: site, count: 3)
      _ = try await client.push([changes[0]], token: fixture.alice)
      var altered = changes[0]
      altered.author = "mallory"
      // The new changes come first; the conflicting one last.
      let response = try await client.push([changes[1], changes[2], altered], token: fixture.alice)
      expectError(response, .conflict, "conflicting-change")
      let page = try await client.pull(token: fixture.alice).decode(PullResponse.self)
      #expect(page.changes == [changes[0]])
      let vector = try await client.vector(token: fixture.alice).decode(VectorResponse.self)
      #expect(vector == VectorResponse(vector: VersionVector([site: 1]), cursor: 1))
    }
  }

  @Test(arguments: StoreKind.allCases) func aGapIsRefused(store: StoreKind) async throws {
    try await withServer(store: store) { client, fixture in
      let site = TestSites.make()
      let changes = makeChanges(site: site, count: 4)
      let skipFirst = try await client.push([changes[1]], token: fixture.alice)
      expectError(skipFirst, .conflict, "gap")
      #expect(try skipFirst.decode(ErrorResponse.self).error.change == changes[1].dot)

      let holeInBatch = try await client.push([changes[0], changes[2]], token: fixture.alice)
      expectError(holeInBatch, .conflict, "gap")
      let outOfOrder = try await client.push([changes[1], changes[0]], token: fixture.alice)
      expectError(outOfOrder, .conflict, "gap")
      // Nothing of the refused batches was stored.
      let page = try await client.pull(token: fixture.alice).decode(PullResponse.self)
      #expect(page.changes.isEmpty)

      _ = try await client.push(Array(changes[0..<2]), token: fixture.alice)
      let afterStored = try await client.push([changes[3]], token: fixture.alice)
      expectError(afterStored, .conflict, "gap")
    }
  }

  @Test(arguments: StoreKind.allCases) func aClockFarAheadIsNeverRefused(store: StoreKind)
    async throws
  {
    try await withServer(store: store) { client, fixture in
      // A refusal would hold back every later change of the site: the server stores it.
      let site = TestSites.make()
      let dayAhead = nowMilliseconds() + 24 * 3_600 * 1_000
      let ahead = makeChanges(site: site, count: 2, milliseconds: dayAhead)
      let response = try await client.push(ahead, token: fixture.alice)
      #expect(response.status == .ok)
    }
  }

  @Test(arguments: StoreKind.allCases) func anInvalidChangeIsRefused(store: StoreKind) async throws
  {
    try await withServer(store: store) { client, fixture in
      var change = makeChanges(site: TestSites.make(), count: 1)[0]
      change.author = ""
      let noAuthor = try await client.push([change], token: fixture.alice)
      expectError(noAuthor, .badRequest, "invalid-change")
      #expect(try noAuthor.decode(ErrorResponse.self).error.change == change.dot)

      change.author = "alice"
      change.value = .string(
        String(repeating: "x", count: ChangeLimits.standard.maximumValueBytes + 1))
      let hugeValue = try await client.push([change], token: fixture.alice)
      expectError(hugeValue, .badRequest, "invalid-change")

      change.value = nil
      let setWithoutValue = try await client.push([change], token: fixture.alice)
      expectError(setWithoutValue, .badRequest, "invalid-change")
    }
  }

  @Test(arguments: StoreKind.allCases) func aSeqBelowOneIsRefusedWithoutNamingAChange(
    store: StoreKind
  ) async throws {
    // error.schema.json's `change.seq` is 1 or more: a seq of 0 or less names no change.
    try await withServer(store: store) { client, fixture in
      let site = String(repeating: "a", count: 32)
      for seq in [0, -3] {
        let body =
          #"{"changes":[{"author":"alice","entity":{"id":"a1","kind":"article"},"#
          + #""field":"title","hlc":"018bcfe568000000","op":"set","seq":\#(seq),"#
          + #""site":"\#(site)","value":"x"}],"heads":[]}"#
        let response = try await client.pushRaw(ByteBuffer(string: body), token: fixture.alice)
        expectError(response, .badRequest, "invalid-change")
        let error = try response.decode(ErrorResponse.self).error
        #expect(error.rule == "S3")
        #expect(error.change == nil)
      }
    }
  }
}
