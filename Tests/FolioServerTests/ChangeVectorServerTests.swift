import FolioModel
import FolioServer
import Foundation
import Hummingbird
import HummingbirdTesting
import ProtocolVectors
import Testing

/// The server makes the reference reader's decision on every vector of
/// `Protocol/vectors/changes`, and gives accepted changes back byte for byte.
@Suite("Change vectors through the server")
struct ChangeVectorServerTests {
  @Test func everyChangeVectorPushedAloneGetsTheSameDecision() async throws {
    let cases = try ChangeVectorCase.all()
    try await withServer { client, fixture in
      var accepted: [[UInt8]] = []
      // An empty input would make the empty push body, which is fine: not a change.
      for item in cases where !item.bytes.isEmpty {
        let body = Array(#"{"changes":["#.utf8) + item.bytes + Array(#"],"heads":[]}"#.utf8)
        let response = try await client.pushRaw(ByteBuffer(bytes: body), token: fixture.alice)
        if let answer = item.pushedAlone {
          #expect(Int(response.status.code) == answer.status, "\(item)")
          let detail = try? response.decode(ErrorResponse.self).error
          #expect(detail?.code.rawValue == answer.code, "\(item)")
          continue
        }
        switch item.expect {
        case .accept:
          // Every change rule passed; the vectors' sites have no key, so no head: H6.
          let detail = try? response.decode(ErrorResponse.self).error
          #expect(detail?.code == .invalidHead && detail?.rule == "H6", "\(item)")
          // The same bytes under a site with a key, signed, are stored and come back.
          guard let (change, bytes) = Self.underSiteWithKey(item.bytes) else { continue }
          let signed = try await client.push([change], token: fixture.alice)
          #expect(signed.status == .ok, "\(item): \(String(buffer: signed.body))")
          accepted.append(bytes)
        case .refuse(let code, let rule):
          #expect(response.status == .badRequest, "\(item)")
          let detail = try? response.decode(ErrorResponse.self).error
          #expect(detail?.code.rawValue == code, "\(item)")
          #expect(detail?.rule == rule, "\(item): \(detail?.message ?? "")")
        }
      }
      #expect(accepted.count >= 15)
      let pulled = try await client.pullAllChangeBytes(token: fixture.alice)
      #expect(pulled == accepted, "every accepted change comes back byte for byte, in order")
    }
  }

  /// The change of `bytes` moved to a new site with a key (`TestSites`), its other bytes
  /// untouched, when it is by alice (the pushing user) and still canonical once moved.
  static func underSiteWithKey(_ bytes: [UInt8]) -> (Change, [UInt8])? {
    guard let change = try? ChangeJSON.decode(bytes), change.author == "alice" else { return nil }
    let site = TestSites.make()
    let moved = Array(
      String(decoding: bytes, as: UTF8.self)
        .replacingOccurrences(of: change.site.rawValue, with: site.rawValue).utf8)
    guard let movedChange = try? ChangeJSON.decode(moved),
      ChangeJSON.encode(movedChange) == moved
    else { return nil }
    TestSites.record([movedChange])
    return (movedChange, moved)
  }

  @Test("Push body", arguments: try ChangeVectorCase.pushBodies())
  func pushBody(_ item: PushBodyCase) async throws {
    try await withServer { client, fixture in
      let response = try await client.pushRaw(ByteBuffer(bytes: item.body), token: fixture.alice)
      #expect(Int(response.status.code) == item.status, "\(String(buffer: response.body))")
      if item.status != 200 {
        let detail = try response.decode(ErrorResponse.self).error
        #expect(detail.code.rawValue == item.code)
        #expect(detail.rule == item.rule, "\(detail.message)")
        #expect(try await client.pullAllChangeBytes(token: fixture.alice).isEmpty)
      }
    }
  }

  @Test func escapesKeyOrderAndUnicodeSurviveByteForByte() async throws {
    // The author is the pushing user (a site is bound to its user, `Protocol/signing.md`
    // §5), and user names are ASCII: the Unicode is in the value.
    let site = TestSites.make()
    let value: JSONValue = .object([
      "z": .string("tab\t, quote \", backslash \\, \u{08}\u{0C}\u{01}\u{7F} é 😀 \u{2028}"),
      "A": .array([.int(-9_007_199_254_740_991), .bool(false), .null, .object([:])]),
      "B": .string("e\u{301} and \u{E9} are kept as written, not normalized"),
    ])
    let change = Change(
      site: site, seq: 1, hlc: HybridTimestamp(milliseconds: nowMilliseconds(), counter: 0),
      author: "alice", entity: .article("a1"), field: Field.summary, op: .set,
      value: value)
    let bytes = ChangeJSON.encode(change)
    TestSites.record([change])
    try await withServer { client, fixture in
      let body = PushRequest.signed([change]).encoded()
      let response = try await client.pushRaw(ByteBuffer(bytes: body), token: fixture.alice)
      #expect(response.status == .ok)
      let pulled = try await client.pullAllChangeBytes(token: fixture.alice)
      #expect(pulled == [bytes])
      let page = try PullResponse.decode(
        Array(try await client.pull(token: fixture.alice).body.readableBytesView))
      #expect(page.changes == [change])
    }
  }
}

extension TestClientProtocol {
  /// The bytes of every change of the space, page by page, exactly as the server sent them.
  func pullAllChangeBytes(token: String, space: String = "team") async throws -> [[UInt8]] {
    var result: [[UInt8]] = []
    var cursor = 0
    while true {
      let response = try await pull(after: cursor, token: token, space: space)
      let bytes = Array(response.body.readableBytesView)
      let members = try JSONEnvelope.members(of: bytes)
      let list = try #require(members.first { $0.key == "changes" })
      for range in try JSONEnvelope.elements(of: bytes, in: list.value) {
        result.append(Array(bytes[range]))
      }
      let page = try PullResponse.decode(bytes)
      guard page.more else { return result }
      cursor = page.cursor
    }
  }
}
