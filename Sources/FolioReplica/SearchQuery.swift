import FolioArticles

/// A search query as typed, split into what full-text search matches and what is matched as
/// a substring.
///
/// - `"deal done"` (straight or curly quotes) is a phrase: those words, in that order.
/// - `subsid*` matches words starting with "subsid"; so does the last bare word of the
///   query, so that a word being typed finds its longer forms (`tariff` finds "tariffs").
/// - A word in a script written without spaces between words (Chinese, Japanese, Korean,
///   Thai, Lao, Khmer, Myanmar) matches wherever it occurs inside the text: `小米` finds
///   "小米汽车". The query's other terms are then matched the same way. This scans the
///   text instead of using an index (a trigram index would triple the search index's
///   size for what is a rare query).
///
/// Every term must match. FTS5 operators in user text are taken literally.
public struct SearchQuery: Equatable, Sendable {
  /// The FTS5 MATCH expression of the full-text terms; nil when there are none.
  public let match: String?
  /// Terms matched as substrings (case-insensitively for ASCII letters).
  public let substrings: [String]

  /// Parses `text`; nil when it holds no term.
  public init?(_ text: String) {
    var terms: [String] = []
    var substrings: [String] = []
    let pieces = Self.pieces(of: text)
    // Text without spaces between words holds other words inside its tokens ("新车型SU7"):
    // with such a word in the query, every term is matched as a substring.
    let unsegmented = pieces.contains { Self.isUnsegmented($0.text) }
    for (index, piece) in pieces.enumerated() {
      var word = piece.text
      if unsegmented {
        substrings.append(piece.quoted ? word : word.replacingAll("*", with: ""))
        continue
      }
      var prefix = false
      if !piece.quoted {
        while word.hasSuffix("*") {
          word.removeLast()
          prefix = true
        }
        prefix = prefix || index == pieces.count - 1
      }
      guard
        word.unicodeScalars.contains(where: {
          $0.properties.isAlphabetic || $0.properties.numericType != nil
        })
      else { continue }
      terms.append("\"" + word.replacingAll("\"", with: "\"\"") + "\"" + (prefix ? "*" : ""))
    }
    guard !terms.isEmpty || !substrings.isEmpty else { return nil }
    match = terms.isEmpty ? nil : terms.joined(separator: " ")
    self.substrings = substrings.filter { !$0.isEmpty }
  }

  /// Words and quoted phrases, in order.
  static func pieces(of text: String) -> [(text: String, quoted: Bool)] {
    var result: [(String, Bool)] = []
    var current = ""
    var inQuotes = false
    func flush(quoted: Bool) {
      let trimmed = current.trimmingWhitespace()
      if !trimmed.isEmpty { result.append((trimmed, quoted)) }
      current = ""
    }
    for character in text {
      if character == "\"" || character == "“" || character == "”" {
        flush(quoted: inQuotes)
        inQuotes.toggle()
      } else if character.isWhitespace && !inQuotes {
        flush(quoted: false)
      } else {
        current.append(character)
      }
    }
    flush(quoted: inQuotes)
    return result
  }

  /// True when `word` has a letter of a script written without spaces between words.
  static func isUnsegmented(_ word: String) -> Bool {
    word.unicodeScalars.contains { scalar in
      switch scalar.value {
      case 0x0E00...0x0EFF,  // Thai, Lao
        0x1000...0x109F,  // Myanmar
        0x1780...0x17FF,  // Khmer
        0x3040...0x30FF,  // Hiragana, Katakana
        0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F,  // Han
        0xAC00...0xD7AF:  // Hangul syllables
        return true
      default: return false
      }
    }
  }
}

extension String {
  func replacingAll(_ target: Character, with replacement: String) -> String {
    var result = ""
    for character in self {
      if character == target { result += replacement } else { result.append(character) }
    }
    return result
  }
}
