/// Why a file could not be read as an article.
public struct ArticleParseError: Error, Sendable, Equatable, CustomStringConvertible {
  public let reason: String

  public init(_ reason: String) { self.reason = reason }

  public var description: String { reason }
}

/// Reads articles from the text format, Markdown, or Folio's JSON export.
public enum ArticleParser {
  /// Parses the bytes of one file into the articles it holds.
  ///
  /// - Parameter bytes: The file's content.
  /// - Returns: One article for the text and Markdown formats, one or more for JSON.
  public static func parse(_ bytes: [UInt8]) throws(ArticleParseError) -> [Article] {
    throw ArticleParseError("not implemented")
  }
}
