import FolioModel

/// Why a file could not be read as an article.
public struct ArticleParseError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What was wrong, in one line for people.
  public let reason: String

  public init(_ reason: String) { self.reason = reason }

  public var description: String { reason }
}

extension ArticleParseError {
  static let empty = ArticleParseError("the file is empty")
  static let notUTF8 = ArticleParseError("the file is not UTF-8 text")
  static let noTitle = ArticleParseError("no title found")
}

/// The formats `ArticleParser` reads.
public enum ArticleFormat: String, Sendable, CaseIterable {
  /// Title line, then sections headed "News Summary", "Background", "In-Depth AI Insights".
  case text
  /// `# Title`, then `## News Summary`, `## Background`, `## In-Depth AI Insights`.
  case markdown
  /// A `FolioExport` document, one `Article` object, or an array of them.
  case json

  /// The format `text` is in.
  ///
  /// JSON when the first non-white-space character is `{`, or `[` not followed by a letter
  /// (so that a text title such as "[Exclusive] …" stays text); Markdown when the first
  /// non-empty line is a heading (`# Title`); else the text format.
  public static func detect(_ text: String) -> ArticleFormat {
    var characters = text.drop(while: \.isWhitespace)
    if characters.first == "{" { return .json }
    if characters.first == "[" {
      characters = characters.dropFirst().drop(while: \.isWhitespace)
      if let next = characters.first, next.isLetter { return .text }
      return .json
    }
    let firstLine = characters.prefix(while: { !$0.isNewline })
    if firstLine == "#" || firstLine.hasPrefix("# ") || firstLine.hasPrefix("##") {
      return .markdown
    }
    return .text
  }
}

/// Reads articles from the text format, Markdown, or Folio's JSON export.
public enum ArticleParser {
  /// The longest title accepted, in characters.
  public static let maximumTitleLength = 1_000

  /// Parses the bytes of one file into the articles it holds.
  ///
  /// The bytes must be UTF-8 (a leading byte order mark is skipped); the format is
  /// recognized from the content (see `ArticleFormat.detect(_:)`).
  ///
  /// - Parameter bytes: The file's content.
  /// - Returns: One article for the text format, one per `# ` title for Markdown, one or
  ///   more for JSON.
  /// - Throws: `ArticleParseError` naming what is wrong: an empty file, bytes that are not
  ///   UTF-8 text, no title, a title longer than 1,000 characters, malformed JSON.
  public static func parse(_ bytes: [UInt8]) throws(ArticleParseError) -> [Article] {
    try parseDocument(bytes).articles
  }

  /// Parses one file like `parse(_:)`, keeping the annotations a Folio JSON export holds.
  public static func parseDocument(_ bytes: [UInt8]) throws(ArticleParseError) -> ImportDocument {
    let text = try ArticleTextDecoding.text(from: bytes)
    switch ArticleFormat.detect(text) {
    case .json: return try ArticleJSONFormat.parseDocument(text)
    case .markdown: return ImportDocument(articles: try ArticleMarkdownFormat.parse(text))
    case .text: return ImportDocument(articles: [try ArticleTextFormat.parse(text)])
    }
  }

  /// Refuses an article without a title or with an overly long one.
  static func validate(_ article: Article) throws(ArticleParseError) {
    if article.title.trimmingWhitespace().isEmpty { throw .noTitle }
    let length = article.title.count
    if length > maximumTitleLength {
      throw ArticleParseError(
        "the title is too long (\(groupedDigits(length)) characters; at most "
          + "\(groupedDigits(maximumTitleLength))): is this really an article?")
    }
  }

  /// `1234` as "1,234".
  static func groupedDigits(_ number: Int) -> String {
    let digits = Array(String(number))
    var result = ""
    for (index, digit) in digits.enumerated() {
      if index > 0, (digits.count - index) % 3 == 0, digits[index - 1].isNumber { result += "," }
      result.append(digit)
    }
    return result
  }
}
