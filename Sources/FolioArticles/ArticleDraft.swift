import FolioModel

/// An article being read line by line by the text or Markdown parser.
struct ArticleDraft {
  /// Which part of the article the lines being read belong to.
  enum Part {
    /// After the title, before the first section heading: metadata and lead text.
    case header
    case summary
    case background
    case insights
    /// A section Folio does not keep (Markdown `## Highlights`, `## Notes` …).
    case ignored

    init(_ section: ArticleSection) {
      switch section {
      case .title: self = .header
      case .summary: self = .summary
      case .background: self = .background
      case .insights: self = .insights
      }
    }
  }

  var title: String
  var sourceURL: String?
  var published: String?
  var tags: [String] = []
  /// Header lines that are not metadata; they open the summary.
  var lead: [String] = []
  var summary: [String] = []
  var background: [String] = []
  var insights: [String] = []
  var part = Part.header

  init(title: String) { self.title = title }

  /// Takes in one metadata line; the first source and publication date win, tags add up.
  mutating func apply(_ metadata: ArticleMetadataLine) {
    switch metadata {
    case .source(let url): sourceURL = sourceURL ?? url
    case .published(let date): published = published ?? date
    case .tags(let names): tags += names.filter { !tags.contains($0) }
    }
  }

  /// Adds `line` to the part being read.
  mutating func add(_ line: String) {
    switch part {
    case .header:
      if let metadata = ArticleMetadataLine(line) { apply(metadata) } else { lead.append(line) }
    case .summary: summary.append(line)
    case .background: background.append(line)
    case .insights: insights.append(line)
    case .ignored: break
    }
  }

  /// The article read, its id derived from its source URL or title.
  func article(markdown: Bool) -> Article {
    Article(
      title: title, sourceURL: sourceURL, published: published,
      summary: ArticleLines.joined(lead + summary), background: ArticleLines.joined(background),
      insights: InsightsParser.parse(insights, markdown: markdown), tags: tags)
  }
}
