import ProtocolVectors
import Testing

@_spi(Fuzzing) @testable import FolioModel

/// `ChangeJSON.decode` reads canonical bytes straight (`decodeCanonical`) and leaves anything
/// else to the full reader: both must make the same decision about every input, and the
/// straight path must be the one that reads ordinary changes.
@Suite struct CanonicalDecodeTests {
  /// The decision of the full reader alone.
  static func fullDecision(_ bytes: [UInt8]) -> Result<Change, InvalidChange> {
    bytes.withUnsafeBufferPointer { buffer in
      Result { () throws(InvalidChange) -> Change in
        try ChangeJSON.decodeInFull(buffer, limits: .standard, migratingOldForm: false)
      }
    }
  }

  static func decision(_ bytes: [UInt8]) -> Result<Change, InvalidChange> {
    Result { () throws(InvalidChange) -> Change in try ChangeJSON.decode(bytes) }
  }

  @Test func everyChangeVectorGetsTheSameDecision() throws {
    let cases = try ChangeVectorCase.all()
    #expect(cases.count >= 80)
    for item in cases {
      #expect(Self.decision(item.bytes) == Self.fullDecision(item.bytes), "\(item)")
    }
  }

  @Test func ordinaryChangesAreReadStraight() {
    var random = SplitMix64(seed: 7)
    for _ in 0..<200 {
      let change = Self.randomChange(&random, plain: true)
      let bytes = ChangeJSON.encode(change)
      let straight = bytes.withUnsafeBufferPointer {
        ChangeJSON.decodeCanonical($0, limits: .standard)
      }
      #expect(straight?.change == change, "\(String(decoding: bytes, as: UTF8.self))")
      // The size it reports is the value's canonical size, which the limit check takes.
      #expect(straight?.valueSize == (change.value?.canonicalSize ?? 0))
    }
  }

  /// The value bytes `decodeLocatingValue` points at are the value's canonical JSON, on both
  /// readers' paths (escapes and awkward strings take the full reader's), so the op log can
  /// store them as they are.
  @Test func theLocatedValueIsTheValuesCanonicalJSON() throws {
    var random = SplitMix64(seed: 11)
    for round in 0..<400 {
      let change = Self.randomChange(&random, plain: round % 2 == 0)
      let bytes = ChangeJSON.encode(change)
      let (decoded, range) = try bytes.withUnsafeBufferPointer {
        buffer throws(InvalidChange) in try ChangeJSON.decodeLocatingValue(buffer)
      }
      #expect(decoded == change)
      var expected = JSONWriter()
      if let value = change.value { expected.write(value) }
      #expect(
        range.map { Array(bytes[$0]) } == (change.value == nil ? nil : expected.bytes),
        "\(String(decoding: bytes, as: UTF8.self))")
    }
  }

  /// Bytes in the straight reader's layout that are still not canonical: it must leave each
  /// to the full reader (it no longer encodes the change again to compare), which refuses it.
  @Test func layoutThatIsNotCanonicalIsLeftToTheFullReader() {
    let low = String(repeating: "a", count: 32)
    let high = String(repeating: "b", count: 32)
    let head = #"{"author":"alice","#
    let body =
      #""entity":{"id":"n1","kind":"annotation"},"field":"note","hlc":"0000000000000001","#
      + #""op":"set","seq":1,"site":"\#(low)","value":"#
    let cases: [(String, [UInt8])] = [
      (
        "sites out of order",
        Array((head + #""context":{"\#(high)":1,"\#(low)":1},"# + body + #""x"}"#).utf8)
      ),
      ("raw control character", Array((head + body).utf8) + [0x22, 0x61, 0x01, 0x22, 0x7D]),
      ("invalid UTF-8", Array((head + body).utf8) + [0x22, 0xC3, 0x28, 0x22, 0x7D]),
      ("members out of order", Array((head + body + #"{"b":1,"a":2}}"#).utf8)),
      ("white space in the value", Array((head + body + #"[1, 2]}"#).utf8)),
    ]
    for (name, bytes) in cases {
      let straight = bytes.withUnsafeBufferPointer {
        ChangeJSON.decodeCanonical($0, limits: .standard)
      }
      #expect(straight == nil, "\(name)")
      let decision = Self.decision(bytes)
      #expect(decision == Self.fullDecision(bytes), "\(name)")
      guard case .failure = decision else {
        Issue.record("\(name) was accepted")
        continue
      }
    }
    let canonical = Array((head + #""context":{"\#(low)":1,"\#(high)":1},"# + body + #""x"}"#).utf8)
    #expect(
      canonical.withUnsafeBufferPointer { ChangeJSON.decodeCanonical($0, limits: .standard) } != nil
    )
  }

  /// A pull page says where each change's value lies in that change's bytes, so the
  /// replica stores the value's canonical JSON without counting it again.
  @Test func aPullPageLocatesEachValue() throws {
    var random = SplitMix64(seed: 5)
    let changes = (0..<200).map { Self.randomChange(&random, plain: $0 % 3 == 0) }
    var body = Array(#"{"changes":["#.utf8)
    for (index, change) in changes.enumerated() {
      if index > 0 { body.append(UInt8(ascii: ",")) }
      body += ChangeJSON.encode(change)
    }
    body += Array(#"],"cursor":200,"heads":[],"more":false}"#.utf8)
    let page = try PullResponse.decode(body)
    let bytes = try #require(page.changeBytes)
    let ranges = try #require(page.changeValueRanges)
    #expect(page.changes == changes)
    for (index, change) in changes.enumerated() {
      var expected = JSONWriter()
      if let value = change.value { expected.write(value) }
      let located = ranges[index].map {
        Array(bytes[index].dropFirst($0.lowerBound).prefix($0.count))
      }
      #expect(located == (change.value == nil ? nil : expected.bytes), "change \(index)")
    }
  }

  /// The straight reader reads a clock only as 16 lowercase hex digits, like the full one.
  @Test func aClockIsSixteenLowercaseHexDigits() {
    let site = String(repeating: "a", count: 32)
    func change(hlc: String) -> [UInt8] {
      Array(
        (#"{"author":"alice","entity":{"id":"n1","kind":"annotation"},"field":"note","#
          + #""hlc":"\#(hlc)","op":"set","seq":1,"site":"\#(site)","value":"x"}"#).utf8)
    }
    let good = change(hlc: "00000190a1b2c3d4")
    let read = good.withUnsafeBufferPointer { ChangeJSON.decodeCanonical($0, limits: .standard) }
    #expect(read?.change.hlc == HybridTimestamp(hex: "00000190a1b2c3d4"))
    for hlc in ["00000190A1B2C3D4", "00000190a1b2c3d", "00000190a1b2c3d40", "00000190a1b2c3dg"] {
      let bytes = change(hlc: hlc)
      #expect(
        bytes.withUnsafeBufferPointer { ChangeJSON.decodeCanonical($0, limits: .standard) } == nil,
        "\(hlc)")
      #expect(Self.decision(bytes) == Self.fullDecision(bytes), "\(hlc)")
    }
  }

  /// Random changes (strings with quotes, escapes and non-ASCII text, nested values, preds,
  /// contexts), then the same bytes with one byte changed, inserted or removed.
  @Test func randomChangesAndTheirMutationsGetTheSameDecision() {
    var random = SplitMix64(seed: 11)
    var accepted = 0
    for round in 0..<3_000 {
      var bytes = ChangeJSON.encode(Self.randomChange(&random, plain: round % 2 == 0))
      if round % 3 != 0 {
        let index = Int.random(in: 0..<bytes.count, using: &random)
        let byte = Self.interestingBytes.randomElement(using: &random) ?? 0
        switch round % 3 {
        case 1: bytes[index] = byte
        default:
          if Bool.random(using: &random) {
            bytes.insert(byte, at: index)
          } else {
            bytes.remove(at: index)
          }
        }
      }
      let decision = Self.decision(bytes)
      if case .success = decision { accepted += 1 }
      #expect(decision == Self.fullDecision(bytes), "\(String(decoding: bytes, as: UTF8.self))")
    }
    #expect(accepted > 1_000, "most unmutated changes are valid")
  }

  static let interestingBytes: [UInt8] =
    Array(#"{}[]":,\ 0123456789-+.eEtrufalsn"#.utf8) + [
      0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xA9, 0xFF,
    ]

  static func randomString(_ random: inout SplitMix64, plain: Bool) -> String {
    let pieces =
      plain
      ? ["rates", " rose", "é", "東京", "-", "x"]
      : ["rates", "\"quoted\"", "back\\slash", "\n", "\u{1}", "é", "😀", "/", "\u{7F}"]
    return (0..<Int.random(in: 1...6, using: &random)).map { _ in
      pieces.randomElement(using: &random) ?? ""
    }.joined()
  }

  static func randomValue(_ random: inout SplitMix64, plain: Bool, depth: Int = 0) -> JSONValue {
    switch Int.random(in: 0..<(plain || depth > 2 ? 1 : 6), using: &random) {
    case 0: return .string(randomString(&random, plain: plain))
    case 1: return .bool(Bool.random(using: &random))
    case 2: return .int(Int64.random(in: -1_000...1_000, using: &random))
    case 3:
      return .array(
        (0..<Int.random(in: 0...3, using: &random)).map { _ in
          randomValue(&random, plain: plain, depth: depth + 1)
        })
    default:
      var members: [String: JSONValue] = [:]
      for index in 0..<Int.random(in: 0...3, using: &random) {
        members["k\(index)"] = randomValue(&random, plain: plain, depth: depth + 1)
      }
      return .object(members)
    }
  }

  static func randomChange(_ random: inout SplitMix64, plain: Bool) -> Change {
    let site = SiteID.random(using: &random)
    let seq = Int.random(in: 1...5_000, using: &random)
    let others = (0..<Int.random(in: 0...2, using: &random)).map { _ in
      Dot(site: SiteID.random(using: &random), seq: Int.random(in: 1...99, using: &random))
    }
    let entity = EntityRef(
      kind: Bool.random(using: &random) ? .article : .annotation,
      id: String(UInt64.random(in: 1...UInt64.max, using: &random), radix: 16))
    let hlc = HybridTimestamp(rawValue: UInt64.random(in: 1...(1 << 60), using: &random))
    let author = plain ? "alice" : randomString(&random, plain: false)
    switch Int.random(in: 0..<4, using: &random) {
    case 0:
      return Change(
        site: site, seq: seq, hlc: hlc, author: author, entity: entity, field: Field.tags,
        op: .add, value: .string(randomString(&random, plain: plain)))
    case 1 where !others.isEmpty:
      return Change(
        site: site, seq: seq, hlc: hlc, author: author, entity: entity, field: Field.tags,
        op: .remove, pred: others)
    case 2:
      var context: [SiteID: Int] = [:]
      for dot in others { context[dot.site] = dot.seq }
      context[site] = seq
      return Change(
        site: site, seq: seq, hlc: hlc, author: author, entity: entity, field: Field.deleted,
        op: .set, value: .bool(true), pred: others, context: VersionVector(context))
    default:
      return Change(
        site: site, seq: seq, hlc: hlc, author: author, entity: entity, field: Field.note,
        op: .set, value: randomValue(&random, plain: plain), pred: others)
    }
  }
}
