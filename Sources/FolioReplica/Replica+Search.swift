import FolioArticles
import FolioModel
import FolioSQLite

/// What to search for, and where.
public struct SearchRequest: Sendable {
  /// Which records to search.
  public enum Scope: String, Sendable, CaseIterable {
    case all
    /// Articles' own text: title, summary, background, insights.
    case articles
    /// Highlights' quotes and notes.
    case annotations
  }

  public var query: String
  public var limit: Int
  public var scope: Scope
  /// Only records with this tag (an annotation also when its article has it); any case.
  public var tag: String?
  /// Only annotations by this author.
  public var author: String?

  public init(
    query: String, limit: Int = 20, scope: Scope = .all, tag: String? = nil,
    author: String? = nil
  ) {
    self.query = query
    self.limit = limit
    self.scope = scope
    self.tag = tag
    self.author = author
  }
}

/// One search result.
public struct SearchHit: Equatable, Sendable {
  /// The article the hit is in (for an annotation hit, its article).
  public let articleId: String
  /// The article's title.
  public let title: String
  /// The annotation that matched, when the hit is in a highlight or note.
  public let annotationId: String?
  /// The matching text, plain, with where the matches are.
  public let snippet: SearchSnippet
}

/// The best hits, and how many there are in all.
public struct SearchResults: Equatable, Sendable {
  public let hits: [SearchHit]
  public let total: Int
}

extension Replica {
  /// Full-text search over titles, article text, quotes and notes (see `SearchQuery` for
  /// phrases, prefixes and unsegmented scripts), best first. The index first takes in the
  /// records changed since the last search (`updateSearchIndex`), so this may write.
  public func search(_ request: SearchRequest) throws(ReplicaError) -> SearchResults {
    guard let query = SearchQuery(request.query) else {
      throw .invalidOperation("the search query has no words")
    }
    guard request.limit >= 0 else { throw .invalidOperation("the limit must be 0 or more") }
    try updateSearchIndex()
    var parameters = SQLParameters()
    var parts: [String] = []
    if request.scope != .annotations && request.author == nil {
      parts.append(articleHits(query, tag: request.tag, &parameters))
    }
    if request.scope != .articles {
      parts.append(
        annotationHits(query, tag: request.tag, author: request.author, &parameters))
    }
    let values = parameters.values
    let union = parts.joined(separator: "\nUNION ALL\n")
    do {
      let total = Int(try db.scalarInt("SELECT count(*) FROM (\(union))", values) ?? 0)
      let rows = try db.rows(
        "SELECT * FROM (\(union)) ORDER BY 5, 3 COLLATE NOCASE, 1 LIMIT \(request.limit)", values
      ) { row in
        (
          articleID: row.string(0), annotationID: row.optionalString(1), title: row.string(2),
          marked: row.optionalString(3), text: row.optionalString(5)
        )
      }
      let hits = rows.map { row in
        let snippet =
          row.marked.map(SearchSnippet.init(marked:))
          ?? SearchSnippet(source: row.text ?? "", terms: query.substrings)
          ?? SearchSnippet(text: "", matches: [])
        return SearchHit(
          articleId: row.articleID, title: row.title, annotationId: row.annotationID,
          snippet: snippet)
      }
      return SearchResults(hits: hits, total: total)
    } catch { throw Replica.wrap(error) }
  }

  /// Full-text search with the default request; the hits only.
  public func search(_ query: String, limit: Int = 20) throws(ReplicaError) -> [SearchHit] {
    try search(SearchRequest(query: query, limit: limit)).hits
  }

  /// Rows (article id, annotation id, title, marked snippet, rank, plain text) of articles
  /// whose own text matches.
  private func articleHits(
    _ query: SearchQuery, tag: String?, _ parameters: inout SQLParameters
  ) -> String {
    let fields =
      "coalesce(t.title, '') || char(10) || coalesce(t.summary, '') || char(10) || "
      + "coalesce(t.background, '') || char(10) || coalesce(t.insights, '')"
    var conditions = ["a.visible"]
    conditions += query.substrings.map {
      "instr(lower(\(fields)), \(parameters.add($0.lowercased()))) > 0"
    }
    if let tag {
      conditions.append(
        "EXISTS (SELECT 1 FROM json_each(a.tags) WHERE lower(value) = lower(\(parameters.add(tag))))"
      )
    }
    let scan = !query.substrings.isEmpty
    let plain = scan ? fields : "NULL"
    let textJoin = scan ? "JOIN article_text t ON t.key = a.key" : ""
    let condition = conditions.joined(separator: " AND ")
    guard let match = query.match else {
      let rank = Self.scanRank(of: fields, query, &parameters)
      return
        "SELECT a.id, NULL, a.title, NULL, \(rank), \(plain) FROM articles a \(textJoin) WHERE \(condition)"
    }
    return """
      SELECT a.id, NULL, a.title,
        snippet(article_search, -1, \(parameters.add(String(SearchSnippet.open))),
          \(parameters.add(String(SearchSnippet.close))), '…', 16), s.rank, \(plain)
      FROM article_search s JOIN articles a ON a.key = s.rowid \(textJoin)
      WHERE article_search MATCH \(parameters.add(match)) AND \(condition)
      """
  }

  /// The rank of a hit found by scanning (unsegmented scripts, which the index does not
  /// cut into words): more occurrences per length first, like bm25 (lower is better).
  private static func scanRank(
    of fields: String, _ query: SearchQuery, _ parameters: inout SQLParameters
  ) -> String {
    let counts = query.substrings.map { term in
      let name = parameters.add(term.lowercased())
      return "(length(lower(\(fields))) - length(replace(lower(\(fields)), \(name), ''))) "
        + "/ max(length(\(name)), 1)"
    }
    guard !counts.isEmpty else { return "0" }
    return "-1.0 * (\(counts.joined(separator: " + "))) / (length(\(fields)) / 500.0 + 1)"
  }

  /// Rows of highlights and notes whose quote or note matches.
  private func annotationHits(
    _ query: SearchQuery, tag: String?, author: String?, _ parameters: inout SQLParameters
  ) -> String {
    let fields = "coalesce(t.quote, '') || char(10) || coalesce(t.note, '')"
    var conditions = ["n.visible", "a.visible"]
    conditions += query.substrings.map {
      "instr(lower(\(fields)), \(parameters.add($0.lowercased()))) > 0"
    }
    if let tag {
      let name = parameters.add(tag)
      conditions.append(
        """
        (EXISTS (SELECT 1 FROM json_each(n.tags) WHERE lower(value) = lower(\(name)))
          OR EXISTS (SELECT 1 FROM json_each(a.tags) WHERE lower(value) = lower(\(name))))
        """)
    }
    if let author { conditions.append("n.author = \(parameters.add(author))") }
    let scan = !query.substrings.isEmpty
    let plain = scan ? fields : "NULL"
    let textJoin = scan ? "JOIN annotation_text t ON t.key = n.key" : ""
    let condition = conditions.joined(separator: " AND ")
    guard let match = query.match else {
      let rank = Self.scanRank(of: fields, query, &parameters)
      return """
        SELECT n.article_id, n.id, a.title, NULL, \(rank), \(plain)
        FROM annotations n JOIN articles a ON a.id = n.article_id \(textJoin)
        WHERE \(condition)
        """
    }
    return """
      SELECT n.article_id, n.id, a.title,
        snippet(annotation_search, -1, \(parameters.add(String(SearchSnippet.open))),
          \(parameters.add(String(SearchSnippet.close))), '…', 16), s.rank, \(plain)
      FROM annotation_search s JOIN annotations n ON n.key = s.rowid
        JOIN articles a ON a.id = n.article_id \(textJoin)
      WHERE annotation_search MATCH \(parameters.add(match)) AND \(condition)
      """
  }
}

/// Values bound to numbered parameters, added as a statement is written.
struct SQLParameters {
  private(set) var values: [any SQLiteBindable] = []

  /// Binds `value` to the next parameter; returns its name ("?3").
  mutating func add(_ value: any SQLiteBindable) -> String {
    values.append(value)
    return "?\(values.count)"
  }
}
