import FolioModel

/// Turns a file's bytes into text, refusing what is not UTF-8 article text.
enum ArticleTextDecoding {
  /// The text of `bytes`, without a leading UTF-8 byte order mark.
  static func text(from bytes: [UInt8]) throws(ArticleParseError) -> String {
    var body = bytes[...]
    if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
    if body.isEmpty { throw .empty }
    if body.starts(with: [0xFF, 0xFE]) || body.starts(with: [0xFE, 0xFF]) {
      throw ArticleParseError("the file is not UTF-8 text (it looks like UTF-16)")
    }
    guard !body.contains(0), isValidUTF8(body) else { throw .notUTF8 }
    let text = String(decoding: body, as: UTF8.self)
    if text.trimmingWhitespace().isEmpty { throw .empty }
    if looksBinary(text) {
      throw ArticleParseError("the file looks binary (it is full of control characters), not text")
    }
    return text
  }

  /// True when `bytes` are well-formed UTF-8.
  static func isValidUTF8(_ bytes: ArraySlice<UInt8>) -> Bool {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue: continue
      case .emptyInput: return true
      case .error: return false
      }
    }
  }

  /// True when more than 1% of the text (or 32 characters) are control characters other
  /// than tab, line and page breaks: a binary file that happens to be valid UTF-8.
  static func looksBinary(_ text: String) -> Bool {
    var total = 0
    var controls = 0
    for scalar in text.unicodeScalars {
      total += 1
      switch scalar.value {
      case 0x09...0x0D: break
      case 0x00..<0x20, 0x7F...0x9F: controls += 1
      default: break
      }
    }
    return controls > 0 && (controls * 100 > total || controls >= 32)
  }
}
