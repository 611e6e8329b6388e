import FolioModel

/// An article's section texts made ready for finding quotes in (as Unicode scalars and
/// folded), so that several quotes looked up in one article pay for that once.
///
/// Making them was about a sixth of authoring a highlight; an import or a user highlights
/// several passages of an article in a row.
public struct QuoteTexts: Sendable {
  let sections: [Anchoring.SectionScalars]
  /// The article they were made from, to tell whether an article still reads so.
  private let source: Article

  /// The texts of `sections` of `article`, in the order given.
  public init(_ article: Article, sections: [ArticleSection] = ArticleSection.allCases) {
    source = article
    self.sections = sections.map { section in
      Anchoring.SectionScalars(
        section: section, scalars: Array(article.text(of: section).unicodeScalars))
    }
  }

  /// True when these are the texts of every section of an article that reads exactly like
  /// `article`, byte for byte: a canonically equivalent spelling would put offsets
  /// elsewhere. (Compared field by field: rendering the insights' text to compare it cost
  /// as much as a quote search.)
  public func areAll(of article: Article) -> Bool {
    sections.map(\.section) == ArticleSection.allCases
      && source.title.hasSameBytes(as: article.title)
      && source.summary.hasSameBytes(as: article.summary)
      && source.background.hasSameBytes(as: article.background)
      && source.insights.count == article.insights.count
      && zip(source.insights, article.insights).allSatisfy { old, new in
        old.question.hasSameBytes(as: new.question) && old.points.count == new.points.count
          && zip(old.points, new.points).allSatisfy { $0.hasSameBytes(as: $1) }
      }
  }
}
