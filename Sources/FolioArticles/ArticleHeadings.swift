import FolioModel

/// Recognizes the section headings of the text and Markdown formats.
enum ArticleHeadings {
  /// The section `line` heads: "News Summary", "Background" or "In-Depth AI Insights",
  /// in any case, with or without a trailing colon or surrounding `**`; nil for any other
  /// line. The title is not a section heading.
  static func section(named line: String) -> ArticleSection? {
    var text = line.trimmingWhitespace()
    for marker in ["**", "__"] where text.count > 4 && text.hasPrefix(marker) {
      if text.hasSuffix(marker) {
        text = String(text.dropFirst(2).dropLast(2)).trimmingWhitespace()
      } else if text.hasSuffix(marker + ":") {
        text = String(text.dropFirst(2).dropLast(3)).trimmingWhitespace()
      }
    }
    if text.hasSuffix(":") { text = String(text.dropLast()).trimmingWhitespace() }
    guard !text.isEmpty, text.count <= 40,
      text.allSatisfy({ $0.isLetter || $0 == " " || $0 == "-" })
    else { return nil }
    switch Article.normalizedTitle(text) {
    case "news summary", "summary": return .summary
    case "background": return .background
    case "in depth ai insights", "ai insights", "insights", "in depth insights": return .insights
    default: return nil
    }
  }
}
