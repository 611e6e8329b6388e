import Crypto

/// Where a site's hash chain stands (`Protocol/signing.md` §2): its changes `1 … seq` hash to
/// `hash`. Every receiver keeps one per site it holds changes of.
public struct SiteChain: Hashable, Sendable {
  /// The highest seq the chain covers (0 before the site's first change).
  public var seq: Int
  /// `chain_seq`: 32 bytes.
  public var hash: [UInt8]

  /// The chain of a site with no change yet: seq 0 and 32 zero bytes.
  public static let empty = SiteChain(seq: 0, hash: [UInt8](repeating: 0, count: 32))

  /// A chain position.
  public init(seq: Int, hash: [UInt8]) {
    self.seq = seq
    self.hash = hash
  }

  /// The chain extended by the change with seq `seq + 1`, given its canonical bytes:
  /// `chain_k = SHA-256(chain_(k−1) ‖ bytes(c_k))`.
  public func appending<Bytes: Collection<UInt8>>(_ canonicalBytes: Bytes) -> SiteChain {
    canonicalBytes.withContiguousStorageIfAvailable { appending(raw: UnsafeRawBufferPointer($0)) }
      ?? Array(canonicalBytes).withUnsafeBytes { appending(raw: $0) }
  }

  /// `appending`, for bytes in memory.
  public func appending(raw canonicalBytes: UnsafeRawBufferPointer) -> SiteChain {
    var hasher = Crypto.SHA256()
    hash.withUnsafeBytes { hasher.update(bufferPointer: $0) }
    hasher.update(bufferPointer: canonicalBytes)
    // Copied out in one go: `Array(digest)` iterated the digest byte by byte.
    return SiteChain(seq: seq + 1, hash: hasher.finalize().withUnsafeBytes { Array($0) })
  }

  /// The hash as 64 lowercase hex digits.
  public var hex: String { Hex.encode(hash) }
}
