import FolioModel

/// How well the text beside a candidate matches a selector's stored prefix or suffix.
enum ContextFit: Int, Comparable {
  /// Nothing like it.
  case none
  /// Half or more of it is the same (an edit nearby, or a different neighbour).
  case weak
  /// The scalars nearest the quote are the same (or both are a section's edge).
  case strong

  static func < (a: ContextFit, b: ContextFit) -> Bool { a.rawValue < b.rawValue }
}

/// A section's text prepared for searching.
struct SectionText {
  let section: ArticleSection
  let scalars: [Unicode.Scalar]
  /// `scalars` folded (`QuoteFolding`).
  let folded: [UInt32]
  /// `folded` with ASCII letters lowercased (for case-insensitive search).
  let lowered: [UInt32]

  init(_ section: ArticleSection, of article: Article) {
    self.section = section
    scalars = Array(article.text(of: section).unicodeScalars)
    folded = QuoteFolding.folded(scalars)
    lowered = Self.lowercased(folded)
  }

  /// ASCII letters of `values` lowercased.
  static func lowercased<Values: Sequence<UInt32>>(_ values: Values) -> [UInt32] {
    values.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
  }
}

/// What a selector says about its passage, prepared for judging candidates: the quote, its
/// words with their significance (read with the stored context, so that a sentence's first
/// word is not taken for a name), and the stored prefix and suffix.
struct AnchorContext {
  /// How many scalars next to the quote must be unchanged for a strong fit.
  static let nearLength = 12

  let selector: TextSelector
  let quote: [Unicode.Scalar]
  let folded: [UInt32]
  let prefix: [UInt32]
  let suffix: [UInt32]
  /// The quote's words.
  let words: [PassageWord]
  /// The words of the stored prefix that are in the quote's sentence (after the last
  /// sentence end in the prefix; a word cut by the prefix's start is left out).
  let sentenceBefore: [PassageWord]
  /// The words of the stored suffix up to the end of the quote's sentence.
  let sentenceAfter: [PassageWord]
  /// The original text: prefix, quote, suffix.
  let original: [Unicode.Scalar]
  /// Where the quote is in `original`.
  let quoteRange: Range<Int>

  init(_ selector: TextSelector) {
    self.selector = selector
    quote = Array(selector.exact.unicodeScalars)
    folded = QuoteFolding.folded(quote)
    let prefixScalars = Array(selector.prefix.unicodeScalars)
    let suffixScalars = Array(selector.suffix.unicodeScalars)
    prefix = QuoteFolding.folded(prefixScalars)
    suffix = QuoteFolding.folded(suffixScalars)
    let original = prefixScalars + quote + suffixScalars
    let quoteRange = prefixScalars.count..<(prefixScalars.count + quote.count)
    self.original = original
    self.quoteRange = quoteRange
    words = PassageWords.words(in: original, range: quoteRange)
      .filter { quoteRange.contains($0.range.lowerBound) }
    // A word cut by the start of the stored prefix is left out: it may be any word.
    let before = Self.sentenceStart(in: original, before: quoteRange.lowerBound, limit: 0)
    sentenceBefore = PassageWords.words(in: original, range: before..<quoteRange.lowerBound)
      .filter {
        $0.range.upperBound <= quoteRange.lowerBound && ($0.range.lowerBound > 0 || before > 0)
      }
    let after = Self.sentenceEnd(
      in: original, after: quoteRange.upperBound, limit: original.count)
    sentenceAfter = PassageWords.words(in: original, range: quoteRange.upperBound..<after)
      .filter { $0.range.upperBound < original.count || after < original.count }
  }

  /// Whether the quote starts and ends where words do (not inside one).
  var startsOnWord: Bool { !PassageWords.isWord(original, quoteRange.lowerBound - 1) }
  var endsOnWord: Bool { !PassageWords.isWord(original, quoteRange.upperBound) }

  /// Whether the quote ended a paragraph (or the section) and `end` of `text` does too: the
  /// paragraph's end is then its neighbour, whatever paragraph follows now.
  func endsParagraph(_ text: [Unicode.Scalar], at end: Int) -> Bool {
    // The same closing punctuation may stand between ("lasted nine days" then ".").
    var after = quoteRange.upperBound
    var end = end
    while after < original.count, end < text.count, original[after] == text[end],
      Self.closing.contains(original[after])
    {
      after += 1
      end += 1
    }
    guard after == original.count || original[after] == "\n" else { return false }
    return end == text.count || text.indices.contains(end) && text[end] == "\n"
  }

  /// Whether the quote ended its paragraph (or section), but for closing punctuation.
  var endsItsParagraph: Bool {
    var after = quoteRange.upperBound
    while after < original.count, Self.closing.contains(original[after]) { after += 1 }
    return after == original.count || original[after] == "\n"
  }

  /// Punctuation that may close a passage.
  static let closing = Set(".,;:!?\"”’)".unicodeScalars)

  /// Whether the quote began a paragraph (or the section) and `start` of `text` does too.
  func startsParagraph(_ text: [Unicode.Scalar], at start: Int) -> Bool {
    let before = quoteRange.lowerBound
    guard before == 0 || original[before - 1] == "\n" else { return false }
    return start == 0 || text.indices.contains(start - 1) && text[start - 1] == "\n"
  }

  /// Whether the text before offset `start` fits the stored prefix strongly (a cheap test).
  func prefixIsStrong(_ text: [UInt32], at start: Int) -> Bool {
    guard !prefix.isEmpty else { return Self.isBlank(text[0..<start]) }
    let near = prefix.suffix(Self.nearLength)
    return start >= near.count && text[(start - near.count)..<start].elementsEqual(near)
  }

  /// Whether the text after offset `end` fits the stored suffix strongly (a cheap test).
  func suffixIsStrong(_ text: [UInt32], at end: Int) -> Bool {
    guard !suffix.isEmpty else { return Self.isBlank(text[end..<text.count]) }
    let near = suffix.prefix(Self.nearLength)
    return end + near.count <= text.count && text[end..<(end + near.count)].elementsEqual(near)
  }

  /// How the text before offset `start` of `text` fits the stored prefix.
  func prefixFit(_ text: [UInt32], at start: Int) -> ContextFit {
    if prefixIsStrong(text, at: start) { return .strong }
    guard !prefix.isEmpty else { return .none }
    let before = text[max(0, start - prefix.count)..<start]
    return Self.similarity(prefix[...], before) >= 0.5 ? .weak : .none
  }

  /// How the text after offset `end` of `text` fits the stored suffix.
  func suffixFit(_ text: [UInt32], at end: Int) -> ContextFit {
    if suffixIsStrong(text, at: end) { return .strong }
    guard !suffix.isEmpty else { return .none }
    let after = text[end..<min(text.count, end + suffix.count)]
    return Self.similarity(suffix[...], after) >= 0.5 ? .weak : .none
  }

  /// 0…1: how much of the stored prefix (or suffix) the text beside a candidate shares.
  func contextSimilarity(_ text: [UInt32], range: Range<Int>) -> Double {
    let before = text[max(0, range.lowerBound - prefix.count)..<range.lowerBound]
    let after = text[range.upperBound..<min(text.count, range.upperBound + suffix.count)]
    return (Self.similarity(prefix[...], before) + Self.similarity(suffix[...], after)) / 2
  }

  /// Whether the rest of the sentence around `range` of `text` says something else than the
  /// rest of the quote's sentence did: a significant word (a figure, a name, a negation)
  /// of one is not in the other. Such a candidate is a parallel sentence, not the quote's.
  func sentenceConflicts(in text: [Unicode.Scalar], range: Range<Int>) -> Bool {
    sentenceChanges(in: text, range: range) > 0
  }

  /// How many facts the rest of the sentence around `range` changed (see
  /// `PassageWords.facts`).
  func sentenceChanges(in text: [Unicode.Scalar], range: Range<Int>) -> Int {
    sideChanges(in: text, range: range, before: true)
      + sideChanges(in: text, range: range, before: false)
  }

  /// Whether the rest of the sentence around `range` is mostly the rest of the quote's
  /// sentence: at least half the stored words on each side are there, in order.
  func sentenceFits(in text: [Unicode.Scalar], range: Range<Int>) -> Bool {
    for before in [true, false] {
      let stored = before ? sentenceBefore : sentenceAfter
      guard !stored.isEmpty else { continue }
      let candidate = sentenceWords(in: text, range: range, before: before, reachFor: stored)
      // Nothing left on that side: the clause was trimmed, not replaced.
      if !candidate.isEmpty, PassageWords.shared(stored, candidate) * 2 < stored.count {
        return false
      }
    }
    return true
  }

  /// The words of the sentence around `range` on one side of it, reaching about as far as
  /// `stored` does.
  func sentenceWords(
    in text: [Unicode.Scalar], range: Range<Int>, before: Bool, reachFor stored: [PassageWord]
  ) -> [PassageWord] {
    let span = (stored.last?.range.upperBound ?? 0) - (stored.first?.range.lowerBound ?? 0)
    let reach = span + 16
    if before {
      let start = Self.sentenceStart(
        in: text, before: range.lowerBound, limit: max(0, range.lowerBound - reach))
      return PassageWords.words(in: text, range: start..<range.lowerBound).filter {
        $0.range.upperBound <= range.lowerBound
      }
    }
    let end = Self.sentenceEnd(
      in: text, after: range.upperBound, limit: min(text.count, range.upperBound + reach))
    return PassageWords.words(in: text, range: range.upperBound..<end).filter {
      $0.range.upperBound <= end
    }
  }

  /// `sentenceConflicts` on one side only. `dropped` are words of the quote that are not
  /// in the candidate (a partial survival), next to it on that side.
  func sideConflicts(
    in text: [Unicode.Scalar], range: Range<Int>, before: Bool, dropped: [PassageWord] = []
  ) -> Bool {
    sideChanges(in: text, range: range, before: before, dropped: dropped) > 0
  }

  /// `sentenceChanges` on one side only.
  func sideChanges(
    in text: [Unicode.Scalar], range: Range<Int>, before: Bool, dropped: [PassageWord] = []
  ) -> Int {
    let stored = before ? sentenceBefore + dropped : dropped + sentenceAfter
    let candidate = sentenceWords(in: text, range: range, before: before, reachFor: stored)
    // Compare as many words as the stored side has, counted from the quote outwards.
    let nearest =
      before ? Array(candidate.suffix(stored.count)) : Array(candidate.prefix(stored.count))
    return PassageWords.facts(stored, nearest, onlySubstitutions: true)
  }

  /// The offset where the sentence holding offset `offset` begins, not before `limit`.
  static func sentenceStart(in text: [Unicode.Scalar], before offset: Int, limit: Int) -> Int {
    var index = min(offset, text.count)
    while index > limit {
      let scalar = text[index - 1]
      if scalar == "\n" { return index }
      if [".", "!", "?"].contains(scalar), index < text.count,
        text[index].properties.isWhitespace, index < offset
      {
        return index
      }
      index -= 1
    }
    return limit
  }

  /// The offset just past the end of the sentence holding offset `offset`, not after `limit`.
  static func sentenceEnd(in text: [Unicode.Scalar], after offset: Int, limit: Int) -> Int {
    var index = max(0, offset)
    // A quote that ends its sentence has nothing of it after.
    if index > 0, index <= text.count, [".", "!", "?"].contains(text[index - 1]) { return index }
    while index < limit {
      let scalar = text[index]
      if scalar == "\n" { return index }
      if [".", "!", "?"].contains(scalar),
        index + 1 >= text.count || text[index + 1].properties.isWhitespace
      {
        return index + 1
      }
      index += 1
    }
    return limit
  }

  static func isBlank(_ text: ArraySlice<UInt32>) -> Bool { text.allSatisfy { $0 == 0x20 } }

  /// 1 when equal, down to 0 when nothing is shared.
  static func similarity(_ a: ArraySlice<UInt32>, _ b: ArraySlice<UInt32>) -> Double {
    let length = max(a.count, b.count)
    guard length > 0 else { return 1 }
    return 1 - Double(FuzzySearch.editDistance(a, b)) / Double(length)
  }
}
