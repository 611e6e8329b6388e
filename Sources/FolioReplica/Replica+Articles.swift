import FolioArticles
import FolioModel
import FolioSQLite
import Foundation

/// What importing one article did.
public struct ImportOutcome: Equatable, Sendable {
  public enum Status: String, Sendable {
    /// The article was not in the replica.
    case added
    /// It was, and some of its fields changed.
    case updated
    /// It was, with the same content.
    case unchanged
  }

  public let id: String
  public let title: String
  public let status: Status
  /// What the import did to the article's annotations (from an export).
  public var annotations = AnnotationImportCounts()
}

/// How many of an article's imported annotations were new here, brought changes (note,
/// colour, tags), were already as imported, or were left out because they are deleted here.
public struct AnnotationImportCounts: Equatable, Sendable {
  public var added = 0
  public var updated = 0
  public var unchanged = 0
  public var deletedHere = 0

  public init() {}
}

/// One line of `folio list`.
public struct ArticleSummary: Equatable, Sendable, Codable {
  public let id: String
  public let title: String
  public let tags: [String]
  public let annotationCount: Int
}

extension Replica {
  /// Imports articles, and the annotations of an export, in one transaction. An article
  /// already present (same derived id) gets a change only for the fields whose text
  /// differs; its tags are added to. Annotations are restored as `restore(_:)` says.
  ///
  /// - Parameters:
  ///   - articles: Parsed articles.
  ///   - annotations: Annotations of these articles (or of articles already here).
  /// - Returns: What happened to each article, in order.
  /// - Throws: `ReplicaError` saying what went wrong; nothing is changed then.
  public func importArticles(
    _ articles: [Article], annotations: [Annotation] = []
  ) throws(ReplicaError) -> [ImportOutcome] {
    try transaction {
      var outcomes = try importArticleRecords(articles)
      let counts = try restore(annotations)
      for index in outcomes.indices {
        outcomes[index].annotations = counts[outcomes[index].id] ?? AnnotationImportCounts()
      }
      return outcomes
    }
  }

  private func importArticleRecords(_ articles: [Article]) throws -> [ImportOutcome] {
      var outcomes: [ImportOutcome] = []
      for article in articles {
        let entity = EntityRef.article(article.id)
        let row = try loadRow(entity)
        let state = row?.state ?? RecordState()
        let changed = try appendLocal { local in
          for (field, value) in try Replica.registerValues(of: article)
          where !Replica.shows(value, field, in: row) {
            local.append(entity, field, .set, value: value, pred: state.currentDots(field))
          }
          for tag in article.tags where state.tagAdditions[tag] == nil {
            local.append(entity, Field.tags, .add, value: .string(tag))
          }
          return !local.changes.isEmpty
        }
        let status: ImportOutcome.Status =
          !state.exists ? .added : (changed ? .updated : .unchanged)
        outcomes.append(ImportOutcome(id: article.id, title: article.title, status: status))
      }
      return outcomes
  }

  /// True when the row already shows `value` for `field`.
  private static func shows(_ value: JSONValue, _ field: String, in row: RecordRow?) -> Bool {
    guard let row, let column = RecordColumns.articleFields[field] else { return false }
    if field == Field.insights { return row.text(column) == value.canonicalText }
    return row.text(column) == value.stringValue
  }

  /// The register fields of an article with the values an import writes.
  static func registerValues(of article: Article) throws -> [(String, JSONValue)] {
    var values: [(String, JSONValue)] = [(Field.title, .string(article.title))]
    if let url = article.sourceURL, !url.isEmpty { values.append((Field.sourceURL, .string(url))) }
    if let date = article.published, !date.isEmpty {
      values.append((Field.published, .string(date)))
    }
    values.append((Field.summary, .string(article.summary)))
    values.append((Field.background, .string(article.background)))
    values.append((Field.insights, Insight.jsonValue(article.insights)))
    return values
  }

  /// Number of articles (with `tag`, when given).
  public func articleCount(tag: String? = nil) throws(ReplicaError) -> Int {
    do {
      if let tag {
        return Int(
          try db.scalarInt(
            "SELECT count(*) FROM tags t JOIN articles a ON a.id = t.entity_id WHERE t.tag = ?1",
            [tag]) ?? 0)
      }
      return Int(try db.scalarInt("SELECT count(*) FROM articles") ?? 0)
    } catch { throw Replica.wrap(error) }
  }

  /// Articles, by title, optionally only those with `tag`.
  ///
  /// - Parameters:
  ///   - tag: Only articles with this tag.
  ///   - limit: The most articles to return; nil for all.
  /// - Returns: The result.
  /// - Throws: `ReplicaError` saying what went wrong; nothing is changed then.
  public func listArticles(
    tag: String? = nil, limit: Int? = nil
  ) throws(ReplicaError) -> [ArticleSummary] {
    do {
      let sql = """
        SELECT a.id, a.title, a.tags,
          (SELECT count(*) FROM annotations n WHERE n.article_id = a.id AND n.visible)
        FROM articles a
        WHERE a.visible
        \(tag == nil ? "" : "AND EXISTS (SELECT 1 FROM json_each(a.tags) WHERE value = ?2)")
        ORDER BY a.title COLLATE NOCASE, a.id
        LIMIT ?1
        """
      return try db.rows(sql, [limit ?? -1] + (tag.map { [$0] } ?? [])) { row in
        ArticleSummary(
          id: row.string(0), title: row.string(1), tags: Replica.decodeTags(row.string(2)),
          annotationCount: row.int(3))
      }
    } catch { throw Replica.wrap(error) }
  }

  static func decodeTags(_ json: String) -> [String] {
    (try? JSONReader.parse(json.utf8))?.arrayValue?.compactMap(\.stringValue) ?? []
  }

  /// The article with this exact id as currently shown, or nil.
  public func article(id: String) throws(ReplicaError) -> Article? {
    do {
      return try db.firstRow(
        """
        SELECT id, title, source_url, published, summary, background, insights, tags
        FROM articles WHERE id = ?1 AND visible
        """, [id]
      ) { row in
        Article(
          id: row.string(0), title: row.string(1), sourceURL: row.optionalString(2),
          published: row.optionalString(3), summary: row.optionalString(4) ?? "",
          background: row.optionalString(5) ?? "",
          insights: row.optionalString(6).flatMap { text in
            (try? JSONReader.parse(text.utf8)).flatMap(Insight.from)
          } ?? [],
          tags: Replica.decodeTags(row.string(7)))
      }
    } catch { throw Replica.wrap(error) }
  }

  /// All articles as currently shown, by id.
  public func allArticles() throws(ReplicaError) -> [Article] {
    let ids: [String]
    do {
      ids = try db.rows("SELECT id FROM articles WHERE visible ORDER BY id") { $0.string(0) }
    } catch {
      throw Replica.wrap(error)
    }
    var articles: [Article] = []
    for id in ids { if let article = try article(id: id) { articles.append(article) } }
    return articles
  }
}
