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

  @Test func aBodyThatIsNotExactlyChangesIsABadRequest() async throws {
    try await withServer { client, fixture in
      for body in [
        #"{"changes": [],"heads":[]}"#, #"{"changes":3,"heads":[]}"#,
        #"{"other":[],"heads":[]}"#, "[]", #"{"changes":[],"heads":[]} "#,
        // Protocol 1's body: no heads.
        #"{"changes":[]}"#, #"{"heads":[],"changes":[]}"#,
      ] {
        let response = try await client.pushRaw(ByteBuffer(string: body), token: fixture.alice)
        expectError(response, .badRequest, "bad-request")
        let message = try response.decode(ErrorResponse.self).error.message
        #expect(message.contains(#"{"changes":[…],"heads":[…]}"#), "\(message)")
      }
      let page = try await client.pull(token: fixture.alice).decode(PullResponse.self)
      #expect(page.changes.isEmpty)
    }
  }

  @Test func aChangeOutsideTheRulesIsAnInvalidChangeNamingTheRule() async throws {
    try await withServer { client, fixture in
      let site = TestSites.make().rawValue
      let good =
        #"{"author":"a","entity":{"id":"a1","kind":"article"},"field":"title","hlc":"0000000000000001","op":"set","seq":1,"site":"\#(site)","value":1}"#
      let cases: [(String, String, String)] = [
        (good.replacingOccurrences(of: site, with: "xyz"), "S2", "site"),
        (good.replacingOccurrences(of: "article", with: "book"), "S6", "entity"),
        (good.replacingOccurrences(of: #""field":"title","#, with: ""), "S1", "'field' is missing"),
        (good.replacingOccurrences(of: #""value":1"#, with: #""value":1,"zzz":1"#), "S1", "zzz"),
        (good.replacingOccurrences(of: #""seq":1"#, with: #""seq":1.0"#), "J3", "integers"),
      ]
      for (change, rule, expectedInMessage) in cases {
        let response = try await client.pushRaw(
          ByteBuffer(string: #"{"changes":["# + change + #"],"heads":[]}"#), token: fixture.alice)
        expectError(response, .badRequest, "invalid-change")
        let detail = try response.decode(ErrorResponse.self).error
        #expect(detail.rule == rule, "\(change)")
        #expect(detail.message.hasPrefix("changes[0]: "), "\(detail.message)")
        #expect(detail.message.contains(expectedInMessage), "\(detail.message)")
      }
      let page = try await client.pull(token: fixture.alice).decode(PullResponse.self)
      #expect(page.changes.isEmpty)
    }
  }

  @Test func tooManyChangesAreRefused() async throws {
    try await withServer { client, fixture in
      let changes = makeChanges(site: TestSites.make(), count: SyncProtocol.maximumPushChanges + 1)
      let response = try await client.push(changes, token: fixture.alice)
      expectError(response, .contentTooLarge, "too-many-changes")
      let page = try await client.pull(token: fixture.alice).decode(PullResponse.self)
      #expect(page.changes.isEmpty)
    }
  }

  @Test func theLargestBatchIsAccepted() async throws {
    try await withServer { client, fixture in
      let changes = makeChanges(site: TestSites.make(), count: SyncProtocol.maximumPushChanges)
      let response = try await client.push(changes, token: fixture.alice)
      #expect(try response.decode(PushResponse.self).accepted == SyncProtocol.maximumPushChanges)
      let page = try await client.pull(limit: 5_000, token: fixture.alice).decode(PullResponse.self)
      #expect(page.changes == changes)
      #expect(!page.more)
    }
  }

  @Test func aBodyOverEightMebibytesIsRefused() async throws {
    try await withServer { client, fixture in
      var body = ByteBuffer(string: #"{"changes":["#)
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
        makeChanges(site: TestSites.make(), count: 1), token: fixture.alice)
      #expect(small.status == .ok)
      let large = try await client.push(
        makeChanges(site: TestSites.make(), count: 20), token: fixture.alice)
      expectError(large, .contentTooLarge, "body-too-large")
    }
  }
}
