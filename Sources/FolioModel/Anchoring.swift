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
public enum Anchoring {
  /// A selector for the one place `quote` occurs, in `section` or in the whole article.
  public static func select(
    quote: String, in article: Article, section: ArticleSection? = nil
  ) throws(SelectionError) -> TextSelector {
    throw .emptyQuote
  }

  /// Re-anchors `selector` on `article`'s current text.
  public static func anchor(_ selector: TextSelector, in article: Article) -> Anchor {
    Anchor(state: .orphan, section: selector.section, range: nil)
  }
}
