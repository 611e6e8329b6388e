import FolioModel

/// A word of a text as re-anchoring compares passages: a run of letters and digits (with
/// inner apostrophes, and the points and commas inside numbers such as "89.9" or "1,200").
struct PassageWord: Equatable {
  /// Scalar offsets of the word in its text.
  var range: Range<Int>
  /// The word folded (`QuoteFolding`) and lowercased: what "the same word" means.
  var key: [UInt32]
  /// Whether a change to this word changes what the passage says: it holds a digit, is a
  /// number word, a name (capitalized but not at the start of a sentence) or a negation.
  var significant: Bool
}

/// Splitting passages into words and telling which of their differences matter.
enum PassageWords {
  /// Whether `scalar` belongs to a word.
  static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    if value < 0x80 {
      return (0x30...0x39).contains(value) || (0x41...0x5A).contains(value)
        || (0x61...0x7A).contains(value)
    }
    return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
  }

  /// Whether offset `index` of `text` is inside a word.
  static func isWord(_ text: [Unicode.Scalar], _ index: Int) -> Bool {
    text.indices.contains(index) && isWordScalar(text[index])
  }

  /// The words of `text[range]` (a word cut by the range's edges is taken whole).
  static func words(in text: [Unicode.Scalar], range: Range<Int>) -> [PassageWord] {
    var start = max(0, min(range.lowerBound, text.count))
    while start > 0, isWord(text, start - 1), isWord(text, start) { start -= 1 }
    let limit = max(start, min(range.upperBound, text.count))
    var result: [PassageWord] = []
    var index = start
    while index < limit {
      guard isWordScalar(text[index]) else {
        index += 1
        continue
      }
      let begin = index
      var hasDigit = false
      while index < text.count {
        let scalar = text[index]
        if isWordScalar(scalar) {
          if scalar.properties.numericType != nil { hasDigit = true }
          index += 1
        } else if isInnerMark(scalar, hasDigit: hasDigit), isWord(text, index + 1),
          isWord(text, index - 1)
        {
          index += 1
        } else {
          break
        }
      }
      result.append(word(text, begin..<index, hasDigit: hasDigit))
    }
    return result
  }

  /// An apostrophe, or a point or comma between digits, does not end a word.
  private static func isInnerMark(_ scalar: Unicode.Scalar, hasDigit: Bool) -> Bool {
    let folded = QuoteFolding.fold(scalar)
    return folded == 0x27 || (hasDigit && (folded == 0x2E || folded == 0x2C))
  }

  private static func word(
    _ text: [Unicode.Scalar], _ range: Range<Int>, hasDigit: Bool
  ) -> PassageWord {
    var key: [UInt32] = []
    key.reserveCapacity(range.count)
    for scalar in text[range] {
      let value = QuoteFolding.fold(scalar)
      if value < 0x80 {
        key.append((0x41...0x5A).contains(value) ? value + 0x20 : value)
      } else {
        key += scalar.properties.lowercaseMapping.unicodeScalars.map(\.value)
      }
    }
    let capitalized = text[range.lowerBound].properties.isUppercase
    let significant =
      hasDigit || isNegation(key) || numberWords.contains(key)
      || (capitalized && !startsSentence(text, at: range.lowerBound))
    return PassageWord(range: range, key: key, significant: significant)
  }

  /// Whether the word at `offset` begins a sentence, a line or the text.
  static func startsSentence(_ text: [Unicode.Scalar], at offset: Int) -> Bool {
    var index = offset - 1
    while index >= 0 {
      let value = QuoteFolding.fold(text[index])
      switch value {
      case 0x20, 0x22, 0x27, 0x28, 0x5B, 0x2D, 0x2014, 0x2013:
        if text[index] == "\n" { return true }
        index -= 1
      case 0x2E, 0x21, 0x3F, 0x3A: return true
      default: return false
      }
    }
    return true
  }

  /// The words that turn a statement around.
  static let negations: Set<[UInt32]> = Set(
    [
      "not", "no", "never", "none", "nor", "neither", "nobody", "nothing", "nowhere", "cannot",
      "without",
    ].map { $0.unicodeScalars.map(\.value) })

  /// Numbers spelled out: changing one changes a figure.
  static let numberWords: Set<[UInt32]> = Set(
    [
      "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
      "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
      "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
      "hundred", "thousand", "million", "billion", "trillion", "dozen", "half", "third",
      "quarter", "first", "second", "percent",
    ].map { $0.unicodeScalars.map(\.value) })

  /// The significant words of `a` and of `b` that the other lacks (longest common
  /// subsequence of keys). A name respelled ("Wanjiru" and "Wanjiku", "Asociation" and
  /// "Association": letters only, an edit or two apart) is a correction, not a change.
  static func significantChanges(
    _ a: [PassageWord], _ b: [PassageWord]
  ) -> (lostA: [PassageWord], lostB: [PassageWord]) {
    let (matchedA, matchedB) = commonSubsequence(a.map(\.key), b.map(\.key))
    let unmatchedA = a.indices.filter { !matchedA[$0] }.map { a[$0] }
    let unmatchedB = b.indices.filter { !matchedB[$0] }.map { b[$0] }
    let lostA = unmatchedA.filter { word in
      word.significant && !unmatchedB.contains { respelled(word, $0) }
    }
    let lostB = unmatchedB.filter { word in
      word.significant && !unmatchedA.contains { respelled(word, $0) }
    }
    return (lostA, lostB)
  }

  /// Whether `a` and `b` are one name spelled two ways: letters only, and at most one edit
  /// in four letters apart.
  static func respelled(_ a: PassageWord, _ b: PassageWord) -> Bool {
    func letters(_ word: PassageWord) -> Bool {
      word.key.allSatisfy { $0 > 0x39 || $0 < 0x30 } && !isNegation(word.key)
        && !numberWords.contains(word.key)
    }
    guard letters(a), letters(b), a.key.count >= 4, b.key.count >= 4 else { return false }
    let allowed = max(1, min(a.key.count, b.key.count) / 4)
    guard abs(a.key.count - b.key.count) <= allowed else { return false }
    return FuzzySearch.editDistance(a.key[...], b.key[...]) <= allowed
  }

  /// Whether the words `a` and `b` differ by a change that matters (see
  /// `significantChanges`).
  ///
  /// With `onlySubstitutions`, what counts is a significant word replaced by another (each
  /// side has one the other lacks: "Nairobi, 89.9%" for "Lima, 92.3%") or a negation added
  /// or removed; a name or figure simply added or dropped does not.
  static func differSignificantly(
    _ a: [PassageWord], _ b: [PassageWord], onlySubstitutions: Bool = false
  ) -> Bool {
    facts(a, b, onlySubstitutions: onlySubstitutions) > 0
  }

  /// How many facts `a` and `b` differ by: the significant words one has and the other
  /// lacks (counted on the side with more). With `onlySubstitutions` (see
  /// `differSignificantly`), additions and removals count only when they are negations next
  /// to other words.
  static func facts(_ a: [PassageWord], _ b: [PassageWord], onlySubstitutions: Bool) -> Int {
    let (lostA, lostB) = significantChanges(a, b)
    guard onlySubstitutions else { return max(lostA.count, lostB.count) }
    if !lostA.isEmpty, !lostB.isEmpty { return max(lostA.count, lostB.count) }
    // A negation gone from a side that still has words flips it; gone with everything
    // else, it was trimmed.
    if !b.isEmpty, lostA.contains(where: { isNegation($0.key) }) { return 1 }
    if !a.isEmpty, lostB.contains(where: { isNegation($0.key) }) { return 1 }
    return 0
  }

  /// How many words of `a` appear, in order, in `b`.
  static func shared(_ a: [PassageWord], _ b: [PassageWord]) -> Int {
    commonSubsequence(a.map(\.key), b.map(\.key)).0.filter { $0 }.count
  }

  /// Whether `key` is a negation ("not", "never", "didn't"…).
  static func isNegation(_ key: [UInt32]) -> Bool {
    negations.contains(key) || key.count > 2 && key.last == 0x74 && key.dropLast().last == 0x27
  }

  /// Which elements of `a` and of `b` belong to one longest common subsequence.
  static func commonSubsequence(_ a: [[UInt32]], _ b: [[UInt32]]) -> ([Bool], [Bool]) {
    let columns = b.count + 1
    var table = [Int](repeating: 0, count: (a.count + 1) * columns)
    for i in stride(from: a.count - 1, through: 0, by: -1) {
      for j in stride(from: b.count - 1, through: 0, by: -1) {
        table[i * columns + j] =
          a[i] == b[j]
          ? table[(i + 1) * columns + j + 1] + 1
          : max(table[(i + 1) * columns + j], table[i * columns + j + 1])
      }
    }
    var matchedA = [Bool](repeating: false, count: a.count)
    var matchedB = [Bool](repeating: false, count: b.count)
    var i = 0
    var j = 0
    while i < a.count, j < b.count {
      if a[i] == b[j] {
        matchedA[i] = true
        matchedB[j] = true
        i += 1
        j += 1
      } else if table[(i + 1) * columns + j] >= table[i * columns + j + 1] {
        i += 1
      } else {
        j += 1
      }
    }
    return (matchedA, matchedB)
  }
}
