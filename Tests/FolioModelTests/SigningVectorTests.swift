import FolioModel
import Foundation
import Testing

/// `Protocol/vectors/signing/`: keys, chains, heads and whole-message verification, written
/// by the second implementation from `Protocol/signing.md` alone.
@Suite struct SigningVectorTests {
  struct KeyCase: Decodable {
    let name, seed, key, site: String
  }
  struct ChainCase: Decodable {
    let name, site: String
    let changes: [String]
    let chains: [String]
  }
  struct HeadCase: Decodable {
    let name, seed, signed, sig, wire: String
    let head: [String: JSONValue]
  }
  struct VerifyCase: Decodable, CustomTestStringConvertible {
    struct Held: Decodable {
      let site: String
      let seq: Int
      let chain: String
    }
    struct Expect: Decodable {
      let code: String
      let rule: String?
      init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
          code = text
          rule = nil
          return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        rule = try container.decodeIfPresent(String.self, forKey: .rule)
      }
      enum CodingKeys: String, CodingKey { case code, rule }
    }
    let name: String
    let held: [Held]
    let changes: [String]
    let heads: [String]
    let expect: Expect
    var testDescription: String { name }
  }
  struct File<Case: Decodable>: Decodable {
    let cases: [Case]
  }

  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Protocol/vectors/signing")

  static func load<Case: Decodable>(_ name: String) -> [Case] {
    let url = directory.appendingPathComponent(name + ".json")
    guard let data = try? Data(contentsOf: url),
      let file = try? JSONDecoder().decode(File<Case>.self, from: data)
    else { return [] }
    return file.cases
  }

  static let verifyCases: [VerifyCase] = load("verify")

  private func bytes(_ hex: String) throws -> [UInt8] {
    try #require(Hex.decode(hex), "not hex: \(hex)")
  }

  @Test func keysGiveTheirPublicKeyAndSite() throws {
    let cases: [KeyCase] = Self.load("keys")
    #expect(cases.count >= 3)
    for item in cases {
      let key = try SiteKey(rawRepresentation: bytes(item.seed))
      #expect(key.publicKey.hex == item.key, "\(item.name)")
      #expect(key.site.rawValue == item.site, "\(item.name)")
    }
  }

  @Test func chainsHashEveryChangeInOrder() throws {
    let cases: [ChainCase] = Self.load("chains")
    #expect(!cases.isEmpty)
    for item in cases {
      var chain = SiteChain.empty
      for (index, change) in item.changes.enumerated() {
        let decoded = try ChangeJSON.decode(Array(change.utf8))
        #expect(decoded.site.rawValue == item.site)
        chain = chain.appending(Array(change.utf8))
        #expect(chain.seq == index + 1)
        #expect(chain.hex == item.chains[index], "\(item.name) chain \(index + 1)")
      }
    }
  }

  @Test func headsSignToTheSameBytesAndAreAccepted() throws {
    let cases: [HeadCase] = Self.load("heads")
    #expect(!cases.isEmpty)
    for item in cases {
      let key = try SiteKey(rawRepresentation: bytes(item.seed))
      let chain = SiteChain(
        seq: try #require(item.head["seq"]?.intValue),
        hash: try bytes(try #require(item.head["chain"]?.stringValue)))
      let author = try #require(item.head["author"]?.stringValue)
      let head = SignedHead(signing: chain, author: author, with: key)
      #expect(head.signedMessage == Array(item.signed.utf8), "\(item.name)")
      #expect(Hex.encode(head.signature) == item.sig, "\(item.name)")
      #expect(head.encoded() == Array(item.wire.utf8), "\(item.name)")
      #expect(try SignedHead.decode(Array(item.wire.utf8)) == head)
    }
  }

  @Test func theKitIsThere() {
    #expect(Self.verifyCases.count >= 20, "expected the vectors in \(Self.directory.path)")
    let rules = Set(Self.verifyCases.compactMap(\.expect.rule))
    #expect(rules == Set(HeadRule.allCases.map(\.rawValue)), "every rule has a refused case")
  }

  @Test("Verify", arguments: verifyCases)
  func verify(_ item: VerifyCase) throws {
    var held: [SiteID: SiteChain] = [:]
    for entry in item.held {
      let site = try #require(SiteID(rawValue: entry.site))
      held[site] = SiteChain(seq: entry.seq, hash: try bytes(entry.chain))
    }
    let items = try item.changes.map { text in
      let change = try ChangeJSON.decode(Array(text.utf8))
      return HeadVerifier.Item(dot: change.dot, author: change.author, bytes: Array(text.utf8))
    }
    do {
      let heads = try item.heads.map { try SignedHead.decode(Array($0.utf8)) }
      _ = try HeadVerifier.verify(items, heads: heads) { site throws(InvalidHead) in
        held[site] ?? .empty
      }
      #expect(item.expect.code == "accept", "accepted; expected \(item.expect.code)")
    } catch let refusal as InvalidHead {
      check(refusal, item)
    }
    // The streaming verifier (bundles) decides the same, the changes fed one by one.
    do {
      let heads = try item.heads.map { try SignedHead.decode(Array($0.utf8)) }
      var stream = HeadVerifier.Stream(
        heldSeq: { held[$0]?.seq ?? 0 }, heldChain: { held[$0] ?? .empty })
      for change in items {
        try stream.add(dot: change.dot, author: change.author, bytes: change.bytes)
      }
      _ = try stream.finish(heads: heads)
      #expect(item.expect.code == "accept", "streamed: accepted; expected \(item.expect.code)")
    } catch let refusal as InvalidHead {
      check(refusal, item)
    }
  }

  private func check(_ refusal: InvalidHead, _ item: VerifyCase) {
    switch item.expect.code {
    case "gap": #expect(refusal.missing != nil, "\(refusal)")
    case "invalid-head":
      #expect(refusal.rule.rawValue == item.expect.rule, "\(refusal)")
      #expect(refusal.missing == nil)
    default: Issue.record("refused: \(refusal)")
    }
  }
}
