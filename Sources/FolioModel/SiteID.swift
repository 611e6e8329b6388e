/// A replica's random 128-bit identity, written as 32 lowercase hex digits.
public struct SiteID: RawRepresentable, Hashable, Comparable, Codable, Sendable,
  CustomStringConvertible
{
  public let rawValue: String

  /// Accepts exactly 32 lowercase hex digits.
  public init?(rawValue: String) {
    guard rawValue.utf8.count == 32, Hex.isLowercaseHex(rawValue) else { return nil }
    self.rawValue = rawValue
  }

  /// A new random site id.
  public static func random<Generator: RandomNumberGenerator>(
    using generator: inout Generator
  ) -> SiteID {
    let bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    return SiteID(validHex: Hex.encode(bytes))
  }

  /// A new random site id from the system generator.
  public static func random() -> SiteID {
    var generator = SystemRandomNumberGenerator()
    return random(using: &generator)
  }

  private init(validHex: String) { self.rawValue = validHex }

  /// The site id whose 16 bytes are `bytes` (a key's digest, `SitePublicKey.site`).
  init(bytes: some Collection<UInt8>) {
    precondition(bytes.count == 16, "a site id is 16 bytes")
    self.init(validHex: Hex.encode(bytes))
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

  public static func < (lhs: SiteID, rhs: SiteID) -> Bool { lhs.rawValue < rhs.rawValue }

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
