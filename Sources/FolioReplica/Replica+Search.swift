import FolioArticles
import FolioModel
import FolioSQLite

/// One search result.
public struct SearchHit: Equatable, Sendable, Codable {
  /// The article the hit is in (for an annotation hit, its article).
  public let articleId: String
  /// The article's title.
  public let title: String
  /// The annotation that matched, when the hit is in a highlight or note.
  public let annotationId: String?
  /// Matching text with the terms between « and ».
  public let snippet: String
}

extension Replica {
  /// Full-text search over titles, article text, quotes and notes. Every word must match.
  public func search(_ query: String, limit: Int = 50) throws(ReplicaError) -> [SearchHit] {
    let words = query.split(whereSeparator: { $0.isWhitespace }).map(String.init)
    guard !words.isEmpty else { throw .invalidOperation("the search query is empty") }
    // Each word becomes a quoted phrase: FTS operators in user text are taken literally.
    let match = words.map { "\"" + $0.replacingAll("\"", with: "\"\"") + "\"" }
      .joined(separator: " ")
    do {
      return try db.rows(
        """
        SELECT * FROM (
          SELECT a.id, NULL, a.title, snippet(article_search, -1, '«', '»', '…', 12), s.rank
          FROM article_search s JOIN articles a ON a.key = s.rowid
          WHERE article_search MATCH ?1 AND a.visible
          UNION ALL
          SELECT n.article_id, n.id, a.title, snippet(annotation_search, -1, '«', '»', '…', 12),
            s.rank
          FROM annotation_search s JOIN annotations n ON n.key = s.rowid
            JOIN articles a ON a.id = n.article_id
          WHERE annotation_search MATCH ?1 AND n.visible AND a.visible
        )
        ORDER BY 5 LIMIT ?2
        """, [match, limit]
      ) { row in
        SearchHit(
          articleId: row.string(0), title: row.string(2), annotationId: row.optionalString(1),
          snippet: row.string(3))
      }
    } catch { throw Replica.wrap(error) }
  }
}

extension String {
  func replacingAll(_ target: Character, with replacement: String) -> String {
    var result = ""
    for character in self {
      if character == target { result += replacement } else { result.append(character) }
    }
    return result
  }
}
