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
