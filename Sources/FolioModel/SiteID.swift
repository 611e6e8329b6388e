/// A replica's random 128-bit identity, written as 32 lowercase hex digits.
///
/// Held as two words rather than its text: a site id is in every change, dot and version
/// vector, and as a 32-byte `String` it cost an allocation, reference counting and a
/// 32-byte hash at each use (a tenth of a bundle apply). Comparing the words compares the
/// hex text, since lowercase hex digits sort in the order of their values.
public struct SiteID: RawRepresentable, Hashable, Comparable, Codable, Sendable,
  CustomStringConvertible
{
  /// The first eight bytes, big-endian.
  private let high: UInt64
  /// The last eight bytes, big-endian.
  private let low: UInt64

  /// Accepts exactly 32 lowercase hex digits.
  public init?(rawValue: String) {
    var text = rawValue
    guard let site = text.withUTF8({ SiteID(hexUTF8: $0) }) else { return nil }
    self = site
  }

  /// Reads exactly 32 lowercase hex digits.
  public init?(hexUTF8 digits: UnsafeBufferPointer<UInt8>) {
    guard digits.count == 32,
      let high = Hex.word(digits, from: 0), let low = Hex.word(digits, from: 16)
    else { return nil }
    (self.high, self.low) = (high, low)
  }

  /// The 32 lowercase hex digits.
  public var rawValue: String {
    String(unsafeUninitializedCapacity: 32) { buffer in
      writeHex(into: buffer)
      return 32
    }
  }

  /// Writes the 32 hex digits into the start of `buffer`.
  public func writeHex(into buffer: UnsafeMutableBufferPointer<UInt8>) {
    SiteID.writeHex(high, into: buffer, at: 0)
    SiteID.writeHex(low, into: buffer, at: 16)
  }

  private static func writeHex(
    _ word: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int
  ) {
    let digits: StaticString = "0123456789abcdef"
    for index in 0..<16 {
      let nibble = Int(truncatingIfNeeded: word >> UInt64(60 - 4 * index)) & 0xF
      buffer[offset + index] = digits.utf8Start[nibble]
    }
  }

  /// A new random site id.
  public static func random<Generator: RandomNumberGenerator>(
    using generator: inout Generator
  ) -> SiteID {
    let bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    return SiteID(bytes: bytes)
  }

  /// A new random site id from the system generator.
  public static func random() -> SiteID {
    var generator = SystemRandomNumberGenerator()
    return random(using: &generator)
  }

  /// The site id whose 16 bytes are `bytes` (a key's digest, `SitePublicKey.site`).
  init(bytes: some Collection<UInt8>) {
    precondition(bytes.count == 16, "a site id is 16 bytes")
    let words = bytes.enumerated().reduce(into: (UInt64(0), UInt64(0))) { words, element in
      if element.offset < 8 {
        words.0 = words.0 << 8 | UInt64(element.element)
      } else {
        words.1 = words.1 << 8 | UInt64(element.element)
      }
    }
    (high, low) = words
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let site = SiteID(rawValue: text) else {
      throw DecodingError.dataCorrupted(
        .init(
          codingPath: decoder.codingPath, debugDescription: "site must be 32 lowercase hex digits"))
    }
    self = site
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(rawValue)
  }

  // Written out: `RawRepresentable`'s defaults would compare and hash `rawValue`, a new string.
  public static func == (lhs: SiteID, rhs: SiteID) -> Bool {
    lhs.high == rhs.high && lhs.low == rhs.low
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(high)
    hasher.combine(low)
  }

  public static func < (lhs: SiteID, rhs: SiteID) -> Bool {
    (lhs.high, lhs.low) < (rhs.high, rhs.low)
  }

  public var description: String { rawValue }

  /// The first eight digits, for display.
  public var short: String { String(rawValue.prefix(8)) }
}

/// One change's identity: the site that made it and its sequence number there.
public struct Dot: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
  public let site: SiteID
  public let seq: Int

  public init(site: SiteID, seq: Int) {
    self.site = site
    self.seq = seq
  }

  public static func < (lhs: Dot, rhs: Dot) -> Bool {
    (lhs.site, lhs.seq) < (rhs.site, rhs.seq)
  }

  public var description: String { "\(site.short):\(seq)" }
}
