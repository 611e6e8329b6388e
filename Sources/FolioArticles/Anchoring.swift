import FolioModel

/// How well a stored selector still fits the article's current text.
public enum AnchorState: String, Codable, Sendable {
  /// The text at the stored position is the quote.
  case exact
  /// The exact quote was found elsewhere (nearest the old position).
  case moved
  /// An approximate match: the passage was edited (a typo fixed, a figure corrected in
  /// place, a word changed).
  case fuzzy
  /// Only part of the quote survived (a trimmed clause, a merged sentence): the range covers
  /// that part.
  case partial
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
  /// The text the highlight now covers in `article`; nil for an orphan.
  public func text(in article: Article) -> String? {
    guard let range else { return nil }
    let scalars = Array(article.text(of: section).unicodeScalars)
    guard range.lowerBound >= 0, range.upperBound <= scalars.count else { return nil }
    var result = ""
    result.unicodeScalars.append(contentsOf: scalars[range])
    return result
  }
}

/// Creating selectors from quotes and re-anchoring them on changed text.
///
/// Offsets are Unicode scalar offsets into one section's text (`Article.text(of:)`).
public enum Anchoring {
  /// How many scalars of context a selector keeps on each side of its quote.
  public static let contextLength = 64

  /// The least similarity (1 − edits ÷ quote length) a fuzzy match must have.
  public static let fuzzyThreshold = 0.75

  /// The most cells (quote length × text length) one fuzzy search may compute; a longer
  /// section is searched only in a window around the old position.
  static let fuzzyBudget = 1_000_000

  /// Re-anchors `selector` on `article`'s current text.
  ///
  /// 1. The text at the stored position is still the quote: `.exact`.
  /// 2. Candidates for the whole quote, in every section (its own first): its exact
  ///    occurrences, approximate matches with a similarity of at least `fuzzyThreshold`
  ///    (`FuzzySearch`, bounded by `fuzzyBudget`), and in its own section the text now
  ///    between its unchanged prefix and suffix. A candidate is rejected when it differs
  ///    from the quote by a figure, a name or a negation (unless both neighbours are
  ///    unchanged: a correction in place), when the rest of its sentence does (a parallel
  ///    sentence), or when a short quote has no unchanged neighbour. The best of the rest
  ///    (see `AnchorCandidates`): `.moved` when its text is the quote, else `.fuzzy`.
  /// 3. The part of a trimmed or merged quote that survived, anchored by the neighbour on
  ///    its side (see `PartialSurvival`): `.partial`.
  /// 4. Otherwise `.orphan`, without a range.
  ///
  /// Landings start and end on word boundaries when the quote did. Pure and bounded: the
  /// budget, on a 3,000-word article in a release build, is 5 ms per highlight on average
  /// and 50 ms for any one (measured on random edits of random articles: a mean of about
  /// 2 ms, the slowest about 20 ms: long quotes searched in every section).
  public static func anchor(_ selector: TextSelector, in article: Article) -> Anchor {
    let quote = Array(selector.exact.unicodeScalars)
    guard !quote.isEmpty else {
      return Anchor(state: .orphan, section: selector.section, range: nil)
    }
    let home = SectionText(selector.section, of: article)

    // 1. Position check.
    if selector.start >= 0, selector.start <= selector.end, selector.end <= home.scalars.count,
      home.scalars[selector.start..<selector.end].elementsEqual(quote)
    {
      return Anchor(state: .exact, section: selector.section, range: selector.start..<selector.end)
    }

    let context = AnchorContext(selector)
    let texts =
      [home]
      + ArticleSection.allCases.filter { $0 != selector.section }.map {
        SectionText($0, of: article)
      }

    // 2. The whole quote.
    let candidates = AnchorCandidates(context: context)
    if let best = candidates.best(in: texts) { return best }

    // 3. The part that survived.
    if let partial = PartialSurvival(context: context).find(in: texts) { return partial }

    // 4. Nothing fits.
    return Anchor(state: .orphan, section: selector.section, range: nil)
  }

  /// The selector for where `anchor` lands in `article` (its current text and context);
  /// nil for an orphan.
  public static func selector(for anchor: Anchor, in article: Article) -> TextSelector? {
    guard let range = anchor.range else { return nil }
    let scalars = Array(article.text(of: anchor.section).unicodeScalars)
    guard range.lowerBound >= 0, range.upperBound <= scalars.count else { return nil }
    return selector(in: anchor.section, scalars: scalars, range: range)
  }

  /// The selector for `range` of a section's scalars.
  static func selector(
    in section: ArticleSection, scalars: [Unicode.Scalar], range: Range<Int>
  ) -> TextSelector {
    let before = max(0, range.lowerBound - contextLength)..<range.lowerBound
    let after = range.upperBound..<min(scalars.count, range.upperBound + contextLength)
    // Encoded to UTF-8 in one buffer: appending scalar by scalar to a String's scalar view
    // was a sixth of authoring a highlight.
    func text(_ part: Range<Int>) -> String {
      var utf8: [UInt8] = []
      utf8.reserveCapacity(part.count)
      for scalar in scalars[part] { UTF8.encode(scalar) { utf8.append($0) } }
      return String(decoding: utf8, as: UTF8.self)
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
