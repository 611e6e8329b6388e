import FolioModel

/// How well a stored selector still fits the article's current text.
public enum AnchorState: String, Codable, Sendable {
  /// The text at the stored position is the quote.
  case exact
  /// The exact quote was found elsewhere (nearest the old position).
  case moved
  /// Only an approximate match scored above the threshold.
  case fuzzy
  /// Nothing fits: shown apart, never dropped.
  case orphan
}

/// Where a highlight lands in the current text.
public struct Anchor: Equatable, Sendable {
  public let state: AnchorState
  public let section: ArticleSection
  /// Unicode scalar offsets into the section's text; nil for an orphan.
  public let range: Range<Int>?

  public init(state: AnchorState, section: ArticleSection, range: Range<Int>?) {
    self.state = state
    self.section = section
    self.range = range
  }
}

/// Why a quote cannot be turned into a selector.
public enum SelectionError: Error, Sendable, Equatable, CustomStringConvertible {
  case emptyQuote
  case notFound(quote: String)
  case ambiguous(quote: String, count: Int, sections: [ArticleSection])

  public var description: String {
    switch self {
    case .emptyQuote: return "the quote is empty"
    case .notFound(let quote): return "quote not found in the article: \"\(quote)\""
    case .ambiguous(let quote, let count, let sections):
      return "quote \"\(quote)\" occurs \(count) times (in "
        + sections.map(\.rawValue).joined(separator: ", ")
        + "); quote more words or narrow it with --section"
    }
  }
}

/// Creating selectors from quotes and re-anchoring them on changed text.
///
/// Offsets are Unicode scalar offsets into one section's text (`Article.text(of:)`).
public enum Anchoring {
  /// How many scalars of context a selector keeps on each side of its quote.
  public static let contextLength = 32

  /// The least similarity (1 − edits ÷ quote length) a fuzzy match must have.
  public static let fuzzyThreshold = 0.75

  /// The most cells (quote length × text length) one fuzzy search may compute; a longer
  /// section is searched only in a window around the old position.
  static let fuzzyBudget = 1_000_000

  /// A fuzzy match near the old position at least this similar ends the search.
  static let strongSimilarity = 0.875

  /// A selector for the one place `quote` occurs, in `section` or in the whole article.
  ///
  /// The quote is trimmed; runs of white space match any run of white space, and curly
  /// quotes and apostrophes match straight ones. The selector's `exact` is the article's
  /// own text, with up to `contextLength` scalars of prefix and suffix.
  public static func select(
    quote: String, in article: Article, section: ArticleSection? = nil
  ) throws(SelectionError) -> TextSelector {
    let trimmed = quote.trimmingWhitespace()
    guard !trimmed.isEmpty else { throw .emptyQuote }
    let pattern = CollapsedText(Array(trimmed.unicodeScalars)).values

    var found: (section: ArticleSection, scalars: [Unicode.Scalar], range: Range<Int>)?
    var count = 0
    var sections: [ArticleSection] = []
    for name in section.map({ [$0] }) ?? ArticleSection.allCases {
      let scalars = Array(article.text(of: name).unicodeScalars)
      let ranges = CollapsedText(scalars).occurrences(of: pattern)
      guard let first = ranges.first else { continue }
      if found == nil { found = (name, scalars, first) }
      count += ranges.count
      sections.append(name)
    }

    guard let found else { throw .notFound(quote: trimmed) }
    guard count == 1 else { throw .ambiguous(quote: trimmed, count: count, sections: sections) }
    return selector(in: found.section, scalars: found.scalars, range: found.range)
  }

  /// Re-anchors `selector` on `article`'s current text.
  ///
  /// 1. The text at the stored position is still the quote: `.exact`.
  /// 2. The quote occurs elsewhere in its section (or, failing that, in another section):
  ///    `.moved` to the occurrence whose prefix and suffix fit best, the nearest to the old
  ///    position among equals.
  /// 3. An approximate match of the quote with similarity of at least `fuzzyThreshold`
  ///    (see `FuzzySearch`), ranked the same way: `.fuzzy`. The search looks near the old
  ///    position first and stops there on a close match; otherwise it covers the section,
  ///    or a window of it around the old position when the section is too long to search
  ///    whole within `fuzzyBudget`.
  /// 4. Otherwise `.orphan`, without a range.
  public static func anchor(_ selector: TextSelector, in article: Article) -> Anchor {
    let quote = Array(selector.exact.unicodeScalars)
    guard !quote.isEmpty else {
      return Anchor(state: .orphan, section: selector.section, range: nil)
    }
    let home = Array(article.text(of: selector.section).unicodeScalars)

    // 1. Position check.
    if selector.start >= 0, selector.start <= selector.end, selector.end <= home.count,
      home[selector.start..<selector.end].elementsEqual(quote)
    {
      return Anchor(state: .exact, section: selector.section, range: selector.start..<selector.end)
    }

    // 2. The exact quote elsewhere: in its section, then in the others.
    let ranking = AnchorRanking(selector)
    let quoteValues = quote.map(\.value)
    let homeFolded = QuoteFolding.folded(home)
    let homeRanges = QuoteFolding.occurrences(of: quoteValues, in: home.map(\.value)).map {
      $0..<($0 + quote.count)
    }
    if let best = ranking.best(homeRanges.map { FuzzyMatch(range: $0, errors: 0) }, in: homeFolded)
    {
      return Anchor(state: .moved, section: selector.section, range: best.range)
    }
    var elsewhere: (section: ArticleSection, candidate: AnchorRanking.Candidate)?
    for section in ArticleSection.allCases where section != selector.section {
      let scalars = Array(article.text(of: section).unicodeScalars)
      let ranges = QuoteFolding.occurrences(of: quoteValues, in: scalars.map(\.value))
      let matches = ranges.map { FuzzyMatch(range: $0..<($0 + quote.count), errors: 0) }
      guard let best = ranking.best(matches, in: QuoteFolding.folded(scalars)) else { continue }
      if elsewhere.map({ best.score > $0.candidate.score }) ?? true {
        elsewhere = (section, best)
      }
    }
    if let elsewhere {
      return Anchor(state: .moved, section: elsewhere.section, range: elsewhere.candidate.range)
    }

    // 3. Bounded fuzzy match in its section: near the old position first; a close match
    // there (similarity of at least `strongSimilarity`, not cut by the window's edges) is
    // taken without scanning the rest.
    let pattern = QuoteFolding.folded(quote)
    let maxErrors = Int(Double(pattern.count) * (1 - fuzzyThreshold) + 1e-9)
    let old = min(max(0, selector.start), home.count)..<min(max(0, selector.end), home.count)
    let reach = pattern.count + 2 * contextLength
    let window = fuzzyWindow(
      pattern: pattern.count, maxErrors: maxErrors, text: home.count, around: old)
    let near = (max(0, old.lowerBound - reach)..<min(home.count, old.upperBound + reach))
      .clamped(to: window)
    func fuzzy(_ best: AnchorRanking.Candidate) -> Anchor {
      let range = snapToWords(
        best, budget: maxErrors - best.errors, quote: quote,
        before: selector.prefix.unicodeScalars.last, after: selector.suffix.unicodeScalars.first,
        in: home)
      return Anchor(state: .fuzzy, section: selector.section, range: range)
    }
    if near != window {
      let matches = FuzzySearch.matches(
        of: pattern, in: homeFolded, window: near, maxErrors: maxErrors)
      if let best = ranking.best(matches, in: homeFolded),
        Double(best.errors) <= Double(pattern.count) * (1 - strongSimilarity),
        best.range.lowerBound > near.lowerBound || near.lowerBound == window.lowerBound,
        best.range.upperBound < near.upperBound || near.upperBound == window.upperBound
      {
        return fuzzy(best)
      }
    }
    let matches = FuzzySearch.matches(
      of: pattern, in: homeFolded, window: window, maxErrors: maxErrors)
    if let best = ranking.best(matches, in: homeFolded) { return fuzzy(best) }

    // 4. Nothing fits.
    return Anchor(state: .orphan, section: selector.section, range: nil)
  }

  /// A fuzzy match's range moved to word boundaries where the quote had them (`before` and
  /// `after` are the scalars around the quote when it was selected): when a word
  /// of the quote was changed at its start or end, the match otherwise tends to take only
  /// the part of the new word that resembles the old one ("ped back" for "stopped back").
  ///
  /// Each end moves to the nearer boundary (outwards on a tie), and by at most `budget`
  /// scalars in all, so that the match stays within the threshold.
  static func snapToWords(
    _ match: AnchorRanking.Candidate, budget: Int, quote: [Unicode.Scalar],
    before: Unicode.Scalar?, after: Unicode.Scalar?, in text: [Unicode.Scalar]
  ) -> Range<Int> {
    func isWord(_ scalar: Unicode.Scalar?) -> Bool {
      guard let properties = scalar?.properties else { return false }
      return properties.isAlphabetic || properties.numericType != nil
    }
    func isWord(_ offset: Int) -> Bool {
      text.indices.contains(offset) && isWord(text[offset])
    }
    var budget = budget
    var start = match.range.lowerBound
    var end = match.range.upperBound

    if isWord(quote.first), !isWord(before), isWord(start - 1), isWord(start) {
      var outwards = start
      while isWord(outwards - 1) { outwards -= 1 }
      var inwards = start
      while inwards < end, isWord(inwards) { inwards += 1 }
      while inwards < end, !isWord(inwards) { inwards += 1 }
      let moved = min(start - outwards, inwards < end ? inwards - start : Int.max)
      if moved <= budget {
        start = start - outwards == moved ? outwards : inwards
        budget -= moved
      }
    }
    if isWord(quote.last), !isWord(after), isWord(end - 1), isWord(end) {
      var outwards = end
      while isWord(outwards) { outwards += 1 }
      var inwards = end
      while inwards > start, isWord(inwards - 1) { inwards -= 1 }
      while inwards > start, !isWord(inwards - 1) { inwards -= 1 }
      let moved = min(outwards - end, inwards > start ? end - inwards : Int.max)
      if moved <= budget { end = outwards - end == moved ? outwards : inwards }
    }
    return start..<end
  }

  /// The selector for `range` of a section's scalars.
  static func selector(
    in section: ArticleSection, scalars: [Unicode.Scalar], range: Range<Int>
  ) -> TextSelector {
    let before = max(0, range.lowerBound - contextLength)..<range.lowerBound
    let after = range.upperBound..<min(scalars.count, range.upperBound + contextLength)
    func text(_ part: Range<Int>) -> String {
      var result = ""
      result.unicodeScalars.append(contentsOf: scalars[part])
      return result
    }
    return TextSelector(
      section: section, exact: text(range), prefix: text(before), suffix: text(after),
      start: range.lowerBound, end: range.upperBound)
  }

  /// The part of a text of `text` scalars a fuzzy search covers: all of it when that fits
  /// the budget, else a window centred on the old position `around`.
  static func fuzzyWindow(
    pattern: Int, maxErrors: Int, text: Int, around old: Range<Int>
  ) -> Range<Int> {
    guard pattern > 0, pattern * text > fuzzyBudget else { return 0..<text }
    let width = max(fuzzyBudget / pattern, pattern + 2 * (maxErrors + contextLength))
    guard width < text else { return 0..<text }
    let centre = min(max(0, old.lowerBound + (old.upperBound - old.lowerBound) / 2), text)
    let start = min(max(0, centre - width / 2), text - width)
    return start..<(start + width)
  }
}

/// Ranks the places a selector's quote might now be: by how well the quote, its prefix and
/// its suffix fit, then by closeness to the old position.
struct AnchorRanking {
  /// A place and how well it fits.
  struct Candidate {
    var range: Range<Int>
    var errors: Int
    var score: Double
  }

  let prefix: [UInt32]
  let suffix: [UInt32]
  let quoteLength: Int
  let hint: Int

  init(_ selector: TextSelector) {
    prefix = QuoteFolding.folded(Array(selector.prefix.unicodeScalars))
    suffix = QuoteFolding.folded(Array(selector.suffix.unicodeScalars))
    quoteLength = max(1, selector.exact.unicodeScalars.count)
    hint = max(0, selector.start)
  }

  /// The best of `matches` in `text` (folded), or nil when there are none.
  ///
  /// The score weighs the quote's similarity 50, the prefix's and the suffix's 20 each, and
  /// closeness to the old position 2; equal scores go to the nearest, then the first.
  func best(_ matches: [FuzzyMatch], in text: [UInt32]) -> Candidate? {
    var best: (candidate: Candidate, distance: Int)?
    for match in matches {
      let candidate = Candidate(
        range: match.range, errors: match.errors, score: score(match, in: text))
      let distance = abs(match.range.lowerBound - hint)
      if let current = best {
        let better =
          candidate.score != current.candidate.score
          ? candidate.score > current.candidate.score
          : distance != current.distance
            ? distance < current.distance
            : (match.range.lowerBound, match.range.upperBound)
              < (current.candidate.range.lowerBound, current.candidate.range.upperBound)
        if !better { continue }
      }
      best = (candidate, distance)
    }
    return best?.candidate
  }

  private func score(_ match: FuzzyMatch, in text: [UInt32]) -> Double {
    let range = match.range
    let before = text[max(0, range.lowerBound - prefix.count)..<range.lowerBound]
    let after = text[range.upperBound..<min(text.count, range.upperBound + suffix.count)]
    let quote = 1 - Double(match.errors) / Double(quoteLength)
    let distance = min(abs(range.lowerBound - hint), text.count)
    let position = 1 - Double(distance) / Double(max(1, text.count))
    return 50 * quote + 20 * Self.similarity(prefix[...], before)
      + 20 * Self.similarity(suffix[...], after) + 2 * position
  }

  /// 1 when equal, down to 0 when nothing is shared.
  private static func similarity(_ a: ArraySlice<UInt32>, _ b: ArraySlice<UInt32>) -> Double {
    let length = max(a.count, b.count)
    guard length > 0 else { return 1 }
    return 1 - Double(FuzzySearch.editDistance(a, b)) / Double(length)
  }
}
