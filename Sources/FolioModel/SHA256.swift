import Crypto

/// SHA-256, used to derive content ids, conflict ids and bundle checksums, and to hash tokens.
///
/// A thin facade over swift-crypto, so the rest of Folio names one small API.
public enum SHA256 {
  /// The 32-byte digest of `bytes`.
  public static func digest<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [UInt8] {
    var hasher = SHA256Hasher()
    hasher.update(bytes)
    return hasher.finalize()
  }

  /// The lowercase hexadecimal digest of the UTF-8 bytes of `text`.
  public static func hexDigest(_ text: String) -> String {
    Hex.encode(digest(Array(text.utf8)))
  }
}

/// SHA-256 over data that arrives in pieces (a bundle being streamed).
public struct SHA256Hasher {
  private var hasher = Crypto.SHA256()

  public init() {}

  /// Adds bytes to the hash.
  public mutating func update<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
    let hashedInPlace: Bool? = bytes.withContiguousStorageIfAvailable { buffer in
      hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))
      return true
    }
    if hashedInPlace == nil { hasher.update(data: Array(bytes)) }
  }

  /// Adds one byte (a line's newline) without making a collection of it: an array made per
  /// line of a bundle was a tenth of its reader's time.
  public mutating func update(byte: UInt8) {
    withUnsafeBytes(of: byte) { hasher.update(bufferPointer: $0) }
  }

  /// The digest of everything added.
  public func finalize() -> [UInt8] {
    hasher.finalize().withUnsafeBytes { Array($0) }
  }
}
