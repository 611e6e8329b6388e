/// A hybrid logical clock reading: 48 bits of Unix milliseconds and a 16-bit counter.
///
/// Encoded in JSON as 16 lowercase hex digits, so that it sorts as text and survives
/// JSON parsers that read numbers as doubles.
public struct HybridTimestamp: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
  public let rawValue: UInt64

  public init(rawValue: UInt64) { self.rawValue = rawValue }

  public init(milliseconds: UInt64, counter: UInt16) {
    self.rawValue = (milliseconds & 0xFFFF_FFFF_FFFF) << 16 | UInt64(counter)
  }

  /// Unix time in milliseconds.
  public var milliseconds: UInt64 { rawValue >> 16 }
  /// Logical counter within one millisecond.
  public var counter: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

  /// The reading as 16 hex digits.
  public var hex: String {
    let digits = String(rawValue, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }

  /// Reads exactly 16 lowercase hex digits, given as UTF-8.
  public init?(hexUTF8 digits: UnsafeBufferPointer<UInt8>) {
    guard digits.count == 16, let value = Hex.word(digits, from: 0) else { return nil }
    self.rawValue = value
  }

  /// Parses 16 lowercase hex digits.
  public init?(hex: String) {
    guard hex.utf8.count == 16, Hex.isLowercaseHex(hex), let value = UInt64(hex, radix: 16)
    else { return nil }
    self.rawValue = value
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let value = HybridTimestamp(hex: text) else {
      throw DecodingError.dataCorrupted(
        .init(
          codingPath: decoder.codingPath, debugDescription: "hlc must be 16 lowercase hex digits"))
    }
    self = value
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(hex)
  }

  public static func < (lhs: HybridTimestamp, rhs: HybridTimestamp) -> Bool {
    lhs.rawValue < rhs.rawValue
  }

  public var description: String { hex }
}
