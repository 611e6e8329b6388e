import CompressNIO
import Foundation
import NIOCore

/// gzip (RFC 1952) for HTTP bodies, through CompressNIO (zlib).
public enum Gzip {
  /// `data` compressed; nil only if zlib fails.
  public static func compress(_ data: Data) -> Data? {
    var buffer = ByteBuffer(bytes: data)
    guard let compressed = try? buffer.compress(with: .gzip) else { return nil }
    return Data(compressed.readableBytesView)
  }

  /// `data` inflated; nil when it is not valid gzip.
  public static func decompress(_ data: Data) -> Data? {
    var buffer = ByteBuffer(bytes: data)
    guard let plain = try? buffer.decompress(with: .gzip) else { return nil }
    return Data(plain.readableBytesView)
  }
}
