import FolioModel

/// Articles in Markdown, as `folio export --format markdown` writes them.
///
/// ```
/// # Title
///
/// - Source: https://…          (optional; plain "Source: …" lines too)
/// - Published: 2025-06-01      (optional)
/// - Tags: china, tech          (optional)
///
/// ## News Summary
/// …
/// ## Background
/// …
/// ## In-Depth AI Insights
/// ### Question?
/// - point
/// ```
///
/// A question may also be a `**Question**` line or a plain line. Other `##` sections
/// (`## Highlights`, `## Notes` …) are skipped. Each `# ` heading starts another article.
public enum ArticleMarkdownFormat {
  /// Reads the articles of a Markdown document, one per `# ` title.
  ///
  /// - Throws: `ArticleParseError` when a `# ` heading is empty, a `##` section comes
  ///   before any title, there is no title at all, or a title is longer than 1,000
  ///   characters.
  public static func parse(_ text: String) throws(ArticleParseError) -> [Article] {
    var drafts: [ArticleDraft] = []
    var current: ArticleDraft?
    for line in ArticleLines.split(text) {
      let content = line.trimmingLeadingWhitespace()
      if ArticleLines.indentation(of: line) <= 3, let heading = MarkdownLine.heading(content),
        heading.level <= 2
      {
        if heading.level == 1 {
          if let finished = current { drafts.append(finished) }
          guard !heading.text.isEmpty else { throw .noTitle }
          current = ArticleDraft(title: heading.text)
          continue
        }
        guard current != nil else { throw .noTitle }
        current?.part = part(named: heading.text)
        continue
      }
      // Rules separate articles or parts; they are not text.
      if !InsightsParser.isThematicBreak(content) { current?.add(line) }
    }
    if let finished = current { drafts.append(finished) }
    guard !drafts.isEmpty else { throw .noTitle }
    var articles: [Article] = []
    for draft in drafts {
      let article = draft.article(markdown: true)
      try ArticleParser.validate(article)
      articles.append(article)
    }
    return articles
  }

  /// The article in Markdown; `parse(_:)` reads it back to an equal article (for an
  /// article whose id is the derived one and whose texts are trimmed, as parsing leaves
  /// them). Empty sections are left out.
  public static func render(_ article: Article) -> String {
    blocks(of: article).joined(separator: "\n\n") + "\n"
  }

  /// The paragraphs (separated by blank lines) of an article's Markdown.
  static func blocks(of article: Article) -> [String] {
    var blocks = ["# " + article.title]
    var metadata: [String] = []
    if let url = article.sourceURL { metadata.append("- Source: " + url) }
    if let published = article.published { metadata.append("- Published: " + published) }
    if !article.tags.isEmpty { metadata.append("- Tags: " + article.tags.joined(separator: ", ")) }
    if !metadata.isEmpty { blocks.append(metadata.joined(separator: "\n")) }
    if !article.summary.isEmpty {
      blocks += ["## " + ArticleSection.summary.heading, article.summary]
    }
    if !article.background.isEmpty {
      blocks += ["## " + ArticleSection.background.heading, article.background]
    }
    if !article.insights.isEmpty {
      blocks.append("## " + ArticleSection.insights.heading)
      for insight in article.insights {
        blocks.append("### " + ArticleTextFormat.indentingContinuations(insight.question))
        if !insight.points.isEmpty {
          blocks.append(
            insight.points.map { "- " + ArticleTextFormat.indentingContinuations($0) }
              .joined(separator: "\n"))
        }
      }
    }
    return blocks
  }

  /// The part a `##` heading opens: a known section, `## Metadata` (read like the
  /// header), or a section Folio does not keep.
  static func part(named heading: String) -> ArticleDraft.Part {
    if let section = ArticleHeadings.section(named: heading) { return ArticleDraft.Part(section) }
    if Article.normalizedTitle(heading) == "metadata" { return .header }
    return .ignored
  }
}
