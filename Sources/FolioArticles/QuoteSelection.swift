import FolioModel

/// Why a quote cannot be turned into a selector.
public enum SelectionError: Error, Sendable, Equatable, CustomStringConvertible {
  case emptyQuote
  case notFound(quote: String)
  /// The quote occurs more than once; each place, in reading order.
  case ambiguous(quote: String, occurrences: [QuoteOccurrence])
  /// The quote is there, but runs from the end of one section into the next.
  case acrossSections(quote: String, sections: [ArticleSection])
  /// `--occurrence N` beyond the number of places.
  case noSuchOccurrence(quote: String, requested: Int, count: Int)

  public var description: String {
    switch self {
    case .emptyQuote: return "the quote is empty"
    case .notFound(let quote): return "quote not found in the article: \"\(quote)\""
    case .ambiguous(let quote, let occurrences):
      var lines = [
        "quote \"\(quote)\" occurs \(occurrences.count) times; quote more words, or choose "
          + "one with --occurrence N:"
      ]
      for (index, occurrence) in occurrences.enumerated() {
        lines.append("  \(index + 1). \(occurrence.section.rawValue): \(occurrence.excerpt)")
      }
      return lines.joined(separator: "\n")
    case .acrossSections(let quote, let sections):
      return "quote \"\(quote)\" runs across sections ("
        + sections.map(\.rawValue).joined(separator: " into ")
        + "); a highlight stays within one section: highlight each part on its own"
    case .noSuchOccurrence(let quote, let requested, let count):
      return "quote \"\(quote)\" occurs \(count) time\(count == 1 ? "" : "s"); "
        + "there is no occurrence \(requested)"
    }
  }
}

/// One place a quote occurs, for choosing among several.
public struct QuoteOccurrence: Equatable, Sendable {
  public let section: ArticleSection
  /// Unicode scalar offsets into the section's text.
  public let range: Range<Int>
  /// The place with a few words either side, on one line: "…lead [quote] trail…".
  public let excerpt: String
}

extension Anchoring {
  /// A selector for the one place `quote` occurs, in `section` or in the whole article.
  ///
  /// The quote is trimmed; runs of white space match any run of white space, and curly
  /// quotes and apostrophes match straight ones. When the quote does not occur as written,
  /// a match that differs only in letter case is taken (`differsOnlyInCase` tells the
  /// caller). The selector's `exact` is the article's own text, with up to `contextLength`
  /// scalars of prefix and suffix.
  ///
  /// - Parameters:
  ///   - quote: The passage as the user typed it.
  ///   - article: The article to find it in.
  ///   - section: Restricts the search to one section.
  ///   - occurrence: Which place (1-based, in reading order) when there are several.
  /// - Returns: The selector of the chosen place.
  /// - Throws: `SelectionError`: not found, found in several places (listing them), across
  ///   a section boundary, or no such occurrence.
  public static func select(
    quote: String, in article: Article, section: ArticleSection? = nil, occurrence: Int? = nil
  ) throws(SelectionError) -> TextSelector {
    try select(
      quote: quote,
      in: QuoteTexts(article, sections: section.map { [$0] } ?? ArticleSection.allCases),
      section: section, occurrence: occurrence)
  }

  /// `select(quote:in:section:occurrence:)` on texts made ready beforehand, for finding
  /// several quotes in one article. Sections `prepared` was not made with are not searched,
  /// and places are listed in the order of its sections (reading order for the default).
  public static func select(
    quote: String, in prepared: QuoteTexts, section: ArticleSection? = nil,
    occurrence: Int? = nil
  ) throws(SelectionError) -> TextSelector {
    let trimmed = quote.trimmingWhitespace()
    guard !trimmed.isEmpty else { throw .emptyQuote }
    let texts = prepared.sections.filter { section == nil || $0.section == section }
    var found = places(of: trimmed, in: texts, ignoringCase: false)
    if found.isEmpty {
      found = places(of: trimmed, in: texts, ignoringCase: true)
    }
    guard !found.isEmpty else {
      if let spanned = crossedSections(by: trimmed, in: texts) {
        throw .acrossSections(quote: trimmed, sections: spanned)
      }
      throw .notFound(quote: trimmed)
    }
    let chosen: Place
    if let occurrence {
      guard occurrence >= 1, occurrence <= found.count else {
        throw .noSuchOccurrence(quote: trimmed, requested: occurrence, count: found.count)
      }
      chosen = found[occurrence - 1]
    } else {
      guard found.count == 1 else {
        // Excerpts are made only here: for a quote found once, they were most of the work.
        throw .ambiguous(
          quote: trimmed,
          occurrences: found.map { place in
            let scalars = texts[place.text].scalars
            return QuoteOccurrence(
              section: texts[place.text].section, range: place.range,
              excerpt: excerpt(of: place.range, in: scalars))
          })
      }
      chosen = found[0]
    }
    return selector(
      in: texts[chosen.text].section, scalars: texts[chosen.text].scalars, range: chosen.range)
  }

  /// A section's text as Unicode scalars, the unit of selector offsets, and folded for
  /// matching (as written; folding ignoring case is made only when a quote needs it).
  struct SectionScalars {
    let section: ArticleSection
    let scalars: [Unicode.Scalar]
    let folded: CollapsedText

    init(section: ArticleSection, scalars: [Unicode.Scalar]) {
      self.section = section
      self.scalars = scalars
      folded = CollapsedText(scalars)
    }
  }

  /// Where a quote occurs: the index of its section's text, and the scalar range in it.
  struct Place {
    let text: Int
    let range: Range<Int>
  }

  /// True when `exact` (a selector's text) matches `quote` only if letter case is ignored:
  /// what `select` took as a fallback.
  public static func differsOnlyInCase(quote: String, exact: String) -> Bool {
    let pattern = CollapsedText(Array(quote.trimmingWhitespace().unicodeScalars)).values
    let text = CollapsedText(Array(exact.unicodeScalars))
    return text.values != pattern
      && CollapsedText(Array(exact.unicodeScalars), ignoringCase: true).values
        == CollapsedText(Array(quote.trimmingWhitespace().unicodeScalars), ignoringCase: true)
        .values
  }

  /// Every place `quote` occurs in `texts`, in reading order.
  static func places(
    of quote: String, in texts: [SectionScalars], ignoringCase: Bool
  ) -> [Place] {
    let pattern = CollapsedText(Array(quote.unicodeScalars), ignoringCase: ignoringCase).values
    var result: [Place] = []
    for (index, text) in texts.enumerated() {
      let folded = ignoringCase ? CollapsedText(text.scalars, ignoringCase: true) : text.folded
      for range in folded.occurrences(of: pattern) {
        result.append(Place(text: index, range: range))
      }
    }
    return result
  }

  /// The sections a quote runs across when it is found only in their texts put end to end.
  static func crossedSections(by quote: String, in texts: [SectionScalars]) -> [ArticleSection]? {
    guard texts.count > 1 else { return nil }
    var joined: [Unicode.Scalar] = []
    var starts: [(ArticleSection, Int)] = []
    for text in texts {
      if !joined.isEmpty { joined.append("\n") }
      starts.append((text.section, joined.count))
      joined += text.scalars
    }
    let pattern = CollapsedText(Array(quote.unicodeScalars), ignoringCase: true).values
    guard
      let range = CollapsedText(joined, ignoringCase: true).occurrences(of: pattern).first
    else { return nil }
    let spanned = starts.enumerated().filter { index, start in
      let end = index + 1 < starts.count ? starts[index + 1].1 : joined.count
      return start.1 < range.upperBound && range.lowerBound < end
    }.map(\.element.0)
    return spanned.count > 1 ? spanned : nil
  }

  /// "…a few words [the quote] a few words…" on one line.
  static func excerpt(of range: Range<Int>, in scalars: [Unicode.Scalar]) -> String {
    let margin = 30
    let lower = max(0, range.lowerBound - margin)
    let upper = min(scalars.count, range.upperBound + margin)
    var text = lower > 0 ? "…" : ""
    for (offset, scalar) in scalars[lower..<upper].enumerated() {
      if lower + offset == range.lowerBound { text += "[" }
      if lower + offset == range.upperBound { text += "]" }
      text.unicodeScalars.append(scalar.properties.isWhitespace ? " " : scalar)
    }
    if range.upperBound == upper { text += "]" }
    return text + (upper < scalars.count ? "…" : "")
  }
}
