import FolioModel

/// The plain text format news feeds deliver (see `fixtures/articles/*.txt`).
///
/// ```
/// Title
/// Source: https://…            (optional, also "URL:")
/// Published: 2025-06-01        (optional)
/// Tags: china, tech            (optional)
///
/// News Summary
/// …
/// Background
/// …
/// In-Depth AI Insights
/// Question?
/// - point
/// - point
/// ```
///
/// Headings are matched in any case, with or without a trailing colon; any section may
/// be missing. Insights may also run together on one line (see `InlineInsights`). Text
/// between the title and the first heading that is not metadata opens the summary.
public enum ArticleTextFormat {
  /// Reads one article in the text format.
  ///
  /// - Throws: `ArticleParseError` when there is no title (the first line is a section
  ///   heading, or there is no line at all) or the title is longer than 1,000 characters.
  public static func parse(_ text: String) throws(ArticleParseError) -> Article {
    var draft = ArticleDraft(title: "")
    var hasTitle = false
    var metadataBeforeTitle: [ArticleMetadataLine] = []
    for line in ArticleLines.split(text) {
      if hasTitle {
        if let section = ArticleHeadings.section(named: line) {
          draft.part = ArticleDraft.Part(section)
        } else {
          draft.add(line)
        }
      } else if line.isEmpty {
        continue
      } else if let metadata = ArticleMetadataLine(line) {
        metadataBeforeTitle.append(metadata)
      } else if ArticleHeadings.section(named: line) != nil {
        throw .noTitle
      } else {
        draft.title = line.trimmingWhitespace()
        metadataBeforeTitle.forEach { draft.apply($0) }
        hasTitle = true
      }
    }
    guard hasTitle else { throw .noTitle }
    let article = draft.article(markdown: false)
    try ArticleParser.validate(article)
    return article
  }

  /// The article in the text format, insights as a question line followed by "- " point
  /// lines. `parse(_:)` reads it back to an equal article (for an article whose id is the
  /// derived one and whose texts are trimmed, as parsing leaves them).
  public static func render(_ article: Article) -> String {
    var lines = [article.title]
    if let url = article.sourceURL { lines.append("Source: " + url) }
    if let published = article.published { lines.append("Published: " + published) }
    if !article.tags.isEmpty { lines.append("Tags: " + article.tags.joined(separator: ", ")) }
    lines += ["", ArticleSection.summary.heading, article.summary]
    lines += ["", ArticleSection.background.heading, article.background]
    lines += ["", ArticleSection.insights.heading]
    for insight in article.insights {
      lines.append(indentingContinuations(insight.question))
      lines += insight.points.map { "- " + indentingContinuations($0) }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `text` with every line after the first indented by two spaces, so that a multi-line
  /// question or point reads back as one.
  static func indentingContinuations(_ text: String) -> String {
    ArticleLines.split(text).joined(separator: "\n  ")
  }
}
