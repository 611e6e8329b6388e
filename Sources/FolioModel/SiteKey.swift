import Crypto

/// A replica's Ed25519 key pair (`Protocol/signing.md` §1). Its site id is derived from the
/// public key, so a site's key can never be swapped for another.
public struct SiteKey: Sendable {
  // The seed, not swift-crypto's key type, which is not Sendable; making the key from it
  // again costs one scalar multiplication, paid once per signature (per push or bundle).
  private let seed: [UInt8]
  /// The public half.
  public let publicKey: SitePublicKey

  /// A new random key pair.
  public init() {
    let key = Curve25519.Signing.PrivateKey()
    seed = Array(key.rawRepresentation)
    publicKey = SitePublicKey(validBytes: Array(key.publicKey.rawRepresentation))
  }

  /// The key pair whose 32-byte private key (RFC 8032 seed) is `rawRepresentation`.
  ///
  /// - Throws: `SiteKeyError.malformed` when the bytes are not 32.
  public init(rawRepresentation: [UInt8]) throws(SiteKeyError) {
    guard rawRepresentation.count == 32,
      let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation)
    else { throw .malformed("a private key is 32 bytes, this one is \(rawRepresentation.count)") }
    seed = rawRepresentation
    publicKey = SitePublicKey(validBytes: Array(key.publicKey.rawRepresentation))
  }

  /// The 32-byte private key, to store in the replica's own file.
  public var rawRepresentation: [UInt8] { seed }

  /// The site id this key signs for.
  public var site: SiteID { publicKey.site }

  /// The Ed25519 signature of `message`.
  public func signature(for message: [UInt8]) -> [UInt8] {
    // The seed was checked when the key was made, and signing bytes in memory cannot fail.
    // swift-format-ignore: NeverUseForceTry
    let key = try! Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    // swift-format-ignore: NeverUseForceTry
    return Array(try! key.signature(for: message))
  }
}

/// A site's Ed25519 public key: 32 bytes, written as 64 lowercase hex digits.
public struct SitePublicKey: Hashable, Sendable, CustomStringConvertible {
  /// The key's 32 bytes (RFC 8032 encoding).
  public let bytes: [UInt8]

  fileprivate init(validBytes: [UInt8]) { bytes = validBytes }

  /// The key written as 64 lowercase hex digits, or nil when `hex` is not that.
  public init?(hex: String) {
    guard hex.utf8.count == 64, let bytes = Hex.decode(hex) else { return nil }
    self.bytes = bytes
  }

  /// 64 lowercase hex digits.
  public var hex: String { Hex.encode(bytes) }

  /// The site id derived from this key: the first 16 bytes of its SHA-256, in hex.
  public var site: SiteID {
    SiteID(bytes: SHA256.digest(bytes).prefix(16))
  }

  /// True when the key is a point of small order (order 1, 2, 4 or 8), by the list
  /// libsodium refuses: its 32 bytes with the sign bit of the last cleared are one of these
  /// seven. Nobody holds a private key for such a point, and a signature with R the
  /// identity and S = 0 verifies for every message under some of them (`signing.md` H2).
  public var hasSmallOrder: Bool {
    var masked = bytes
    masked[31] &= 0x7F
    return Self.smallOrderEncodings.contains(masked)
  }

  private static let smallOrderEncodings: [[UInt8]] = [
    [UInt8](repeating: 0, count: 32),
    [1] + [UInt8](repeating: 0, count: 31),
    [
      0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
      0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
      0xfc, 0x05,
    ],
    [
      0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
      0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
      0x03, 0x7a,
    ],
    [0xec] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
    [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
    [0xee] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
  ]

  /// True when `signature` is this key's Ed25519 signature of `message`.
  public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
    guard signature.count == 64,
      let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)
    else { return false }
    return key.isValidSignature(signature, for: message)
  }

  public var description: String { hex }
}

/// A stored private key that cannot be read.
public enum SiteKeyError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The bytes are not a private key.
  case malformed(String)

  public var description: String {
    switch self {
    case .malformed(let reason): return "the replica's signing key is damaged: \(reason)"
    }
  }
}
