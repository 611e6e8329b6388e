import CompressNIO
import Foundation
import NIOCore

/// gzip (RFC 1952) for HTTP bodies, through CompressNIO (zlib).
public enum Gzip {
  /// `data` compressed; nil only if zlib fails.
  ///
  /// At zlib's level 2, as the server compresses pull pages: about three times as fast as
  /// the default level 6 on canonical JSON, for 14% more bytes.
  public static func compress(_ data: Data) -> Data? {
    var buffer = ByteBuffer(bytes: data)
    let level2 = ZlibConfiguration(compressionLevel: .compressionLevel2)
    guard let compressed = try? buffer.compress(with: .gzip(configuration: level2)) else {
      return nil
    }
    return Data(compressed.readableBytesView)
  }

  /// `data` inflated; nil when it is not valid gzip.
  public static func decompress(_ data: Data) -> Data? {
    var buffer = ByteBuffer(bytes: data)
    guard let plain = try? buffer.decompress(with: .gzip) else { return nil }
    return Data(plain.readableBytesView)
  }
}
