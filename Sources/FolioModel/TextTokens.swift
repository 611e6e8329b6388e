/// Splits text into the words, white space and punctuation that a text merge works on
/// (`Protocol/merge-rules.md` §4.7.1).
///
/// Tokens are cut at Unicode scalars (code points), not at grapheme clusters, so that an
/// implementation without grapheme segmentation cuts the same text the same way:
/// - a run of word scalars (general category L or N) is one token;
/// - a run of white space (the Unicode `White_Space` list) is one token;
/// - a scalar of a script written without spaces (Han, Kana, Bopomofo, Thai, Lao, Khmer,
///   Myanmar) is a token on its own, as is any other scalar (punctuation, symbols, controls);
/// - a mark (general category M) joins the token before it; at the start of the text it is a
///   token on its own.
///
/// Tokens compare by their scalars, with no normalization.
public enum TextTokens {
  /// The tokens of `text`, in order; joined, they give back `text` exactly.
  public static func split(_ text: String) -> [String] {
    var tokens: [String] = []
    var current = String.UnicodeScalarView()
    var currentClass = ScalarClass.standalone
    for scalar in text.unicodeScalars {
      let kind = ScalarClass(scalar)
      let joins: Bool
      switch kind {
      case .mark: joins = !current.isEmpty
      case .word, .space: joins = !current.isEmpty && currentClass == kind
      case .standalone: joins = false
      }
      if !joins {
        if !current.isEmpty { tokens.append(String(current)) }
        current = String.UnicodeScalarView()
        currentClass = kind == .mark ? .standalone : kind
      }
      current.append(scalar)
    }
    if !current.isEmpty { tokens.append(String(current)) }
    return tokens
  }

  /// What a scalar does to tokens.
  enum ScalarClass: Equatable {
    case word
    case space
    case mark
    case standalone

    init(_ scalar: Unicode.Scalar) {
      let value = scalar.value
      if TextTokens.whiteSpace.contains(value) {
        self = .space
        return
      }
      switch scalar.properties.generalCategory {
      case .nonspacingMark, .spacingMark, .enclosingMark:
        self = .mark
      case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
        .decimalNumber, .letterNumber, .otherNumber:
        self = TextTokens.unspacedScripts.contains { $0.contains(value) } ? .standalone : .word
      default:
        self = .standalone
      }
    }
  }

  /// The scalars of Unicode's `White_Space` property.
  static let whiteSpace: Set<UInt32> = [
    0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
    0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F,
    0x3000,
  ]

  /// Blocks of scripts written without spaces between words: each of their letters is a
  /// token, so that two people's edits of one Chinese or Japanese sentence can merge.
  static let unspacedScripts: [ClosedRange<UInt32>] = [
    0x0E00...0x0EFF,  // Thai, Lao
    0x1000...0x109F,  // Myanmar
    0x1780...0x17FF,  // Khmer
    0x2E80...0x2FDF,  // CJK and Kangxi radicals
    0x3005...0x3007,  // ideographic iteration mark, closing mark, number zero
    0x3040...0x30FF,  // Hiragana, Katakana
    0x3100...0x312F,  // Bopomofo
    0x31A0...0x31FF,  // Bopomofo extended, Katakana phonetic extensions
    0x3400...0x4DBF,  // CJK extension A
    0x4E00...0x9FFF,  // CJK unified ideographs
    0xF900...0xFAFF,  // CJK compatibility ideographs
    0xFF66...0xFF9F,  // halfwidth Katakana
    0x20000...0x3FFFF,  // CJK extensions B and later
  ]
}
