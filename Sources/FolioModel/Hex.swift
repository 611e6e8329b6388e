/// Lowercase hexadecimal encoding.
public enum Hex {
  private static let digits = Array("0123456789abcdef".utf8)

  /// `bytes` as lowercase hex.
  public static func encode<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
    var out: [UInt8] = []
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// True when `text` is non-empty lowercase hex.
  public static func isLowercaseHex(_ text: String) -> Bool {
    !text.isEmpty
      && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
  }
}
