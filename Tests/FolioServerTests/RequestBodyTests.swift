import FolioModel
import FolioServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Request bodies and limits")
struct RequestBodyTests {
  @Test func aBodyThatIsNotJSONIsRefused() async throws {
    try await withServer { client, fixture in
      let response = try await client.pushRaw(ByteBuffer(string: "not json"), token: fixture.alice)
      expectError(response, .badRequest, "bad-request")
      let empty = try await client.pushRaw(ByteBuffer(), token: fixture.alice)
      expectError(empty, .badRequest, "bad-request")
    }
  }

  @Test func aBodyOutsideTheSchemaIsRefused() async throws {
    try await withServer { client, fixture in
      let site = SiteID.random().rawValue
      let cases: [(String, String?)] = [
        (#"{"changes": 3}"#, "changes"),
        (#"{"other": []}"#, "changes is missing"),
        (#"[]"#, nil),
        (
          #"{"changes": [{"site": "xyz", "seq": 1, "hlc": "0000000000000001", "author": "a", "entity": {"kind": "article", "id": "a1"}, "field": "title", "op": "set", "value": 1}]}"#,
          "changes[0].site"
        ),
        (
          #"{"changes": [{"site": "\#(site)", "seq": 1, "hlc": "0000000000000001", "author": "a", "entity": {"kind": "book", "id": "a1"}, "field": "title", "op": "set", "value": 1}]}"#,
          "changes[0].entity.kind"
        ),
        (
          #"{"changes": [{"site": "\#(site)", "seq": 1, "hlc": "0000000000000001", "author": "a", "entity": {"kind": "article", "id": "a1"}, "op": "set", "value": 1}]}"#,
          "changes[0].field is missing"
        ),
      ]
      for (body, expectedInMessage) in cases {
        let response = try await client.pushRaw(ByteBuffer(string: body), token: fixture.alice)
        expectError(response, .badRequest, "bad-request")
        if let expectedInMessage {
          let message = try response.decode(ErrorResponse.self).error.message
          #expect(message.contains(expectedInMessage), "\(message)")
        }
      }
      let page = try await client.pull(token: fixture.alice).decode(PullResponse.self)
      #expect(page.changes.isEmpty)
    }
  }

  @Test func tooManyChangesAreRefused() async throws {
    try await withServer { client, fixture in
      let changes = makeChanges(site: .random(), count: SyncProtocol.maximumPushChanges + 1)
      let response = try await client.push(changes, token: fixture.alice)
      expectError(response, .contentTooLarge, "too-many-changes")
      let page = try await client.pull(token: fixture.alice).decode(PullResponse.self)
      #expect(page.changes.isEmpty)
    }
  }

  @Test func theLargestBatchIsAccepted() async throws {
    try await withServer { client, fixture in
      let changes = makeChanges(site: .random(), count: SyncProtocol.maximumPushChanges)
      let response = try await client.push(changes, token: fixture.alice)
      #expect(try response.decode(PushResponse.self).accepted == SyncProtocol.maximumPushChanges)
      let page = try await client.pull(limit: 5_000, token: fixture.alice).decode(PullResponse.self)
      #expect(page.changes == changes)
      #expect(!page.more)
    }
  }

  @Test func aBodyOverEightMebibytesIsRefused() async throws {
    try await withServer { client, fixture in
      var body = ByteBuffer(string: #"{"changes": ["#)
      body.writeRepeatingByte(UInt8(ascii: " "), count: SyncProtocol.maximumBodyBytes)
      body.writeString("]}")
      let response = try await client.pushRaw(body, token: fixture.alice)
      expectError(response, .contentTooLarge, "body-too-large")
    }
  }

  @Test func aLowerBodyLimitIsApplied() async throws {
    var limits = ServerLimits()
    limits.maximumBodyBytes = 2_000
    try await withServer(limits: limits) { client, fixture in
      let small = try await client.push(
        makeChanges(site: .random(), count: 1), token: fixture.alice)
      #expect(small.status == .ok)
      let large = try await client.push(
        makeChanges(site: .random(), count: 20), token: fixture.alice)
      expectError(large, .contentTooLarge, "body-too-large")
    }
  }
}
