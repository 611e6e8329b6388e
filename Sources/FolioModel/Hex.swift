/// Lowercase hexadecimal encoding.
public enum Hex {
  /// `bytes` as lowercase hex (inlinable: unspecialized, each byte went through a witness
  /// table, and an annotation id's sixteen were 3% of authoring a highlight).
  @inlinable public static func encode<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes {
      out.append(digit(byte >> 4))
      out.append(digit(byte & 0x0F))
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The lowercase hex digit of a value 0-15 (computed: a table is a global whose every
  /// read checks that it is made).
  @usableFromInline @inline(__always) static func digit(_ nibble: UInt8) -> UInt8 {
    nibble < 10 ? 0x30 + nibble : 0x57 + nibble
  }

  /// True when `text` is non-empty lowercase hex.
  public static func isLowercaseHex(_ text: String) -> Bool {
    !text.isEmpty
      && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
  }

  /// The bytes of an even number of lowercase hex digits, or nil when `text` is not that.
  public static func decode(_ text: String) -> [UInt8]? {
    let utf8 = Array(text.utf8)
    guard utf8.count % 2 == 0, isLowercaseHex(text) else { return nil }
    func nibble(_ digit: UInt8) -> UInt8 { digit <= 0x39 ? digit - 0x30 : digit - 0x61 + 10 }
    return stride(from: 0, to: utf8.count, by: 2).map {
      nibble(utf8[$0]) << 4 | nibble(utf8[$0 + 1])
    }
  }

  /// The 16 lowercase hex digits of `digits` from `start` as a number; nil when one is not
  /// a lowercase hex digit.
  static func word(_ digits: UnsafeBufferPointer<UInt8>, from start: Int) -> UInt64? {
    var word: UInt64 = 0
    for digit in digits[start..<(start + 16)] {
      let nibble: UInt8
      switch digit {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = digit &- UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = digit &- UInt8(ascii: "a") &+ 10
      default: return nil
      }
      word = word << 4 | UInt64(nibble)
    }
    return word
  }
}
