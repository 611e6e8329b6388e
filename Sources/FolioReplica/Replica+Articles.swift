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

/// Which articles `folio list` shows, and in what order.
public struct ArticleListRequest: Sendable {
  public enum Sort: String, Sendable, CaseIterable {
    /// By title, A to Z.
    case title
    /// Newest published date first (articles without one last).
    case published
    /// Most annotations first.
    case annotations
    /// Most recently annotated first.
    case recent
  }

  /// Only articles with this tag (any case).
  public var tag: String?
  /// Only articles this author annotated.
  public var annotatedBy: String?
  /// Only articles published on or after / up to this date (`YYYY-MM-DD`, compared with the
  /// published text).
  public var publishedSince: String?
  public var publishedUntil: String?
  public var sort: Sort
  /// The most articles to return; nil for all.
  public var limit: Int?

  public init(
    tag: String? = nil, annotatedBy: String? = nil, publishedSince: String? = nil,
    publishedUntil: String? = nil, sort: Sort = .title, limit: Int? = nil
  ) {
    self.tag = tag
    self.annotatedBy = annotatedBy
    self.publishedSince = publishedSince
    self.publishedUntil = publishedUntil
    self.sort = sort
    self.limit = limit
  }
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
    try listArticles(ArticleListRequest(tag: tag, limit: limit)).articles
  }

  /// The articles `request` asks for, in its order, and how many match in all.
  public func listArticles(
    _ request: ArticleListRequest
  ) throws(ReplicaError) -> (articles: [ArticleSummary], total: Int) {
    var parameters = SQLParameters()
    var conditions = ["a.visible"]
    if let tag = request.tag {
      conditions.append(
        "EXISTS (SELECT 1 FROM json_each(a.tags) WHERE lower(value) = lower(\(parameters.add(tag))))"
      )
    }
    if let author = request.annotatedBy {
      conditions.append(
        "EXISTS (SELECT 1 FROM annotations n WHERE n.article_id = a.id AND n.visible "
          + "AND n.author = \(parameters.add(author)))")
    }
    if let since = request.publishedSince {
      conditions.append("a.published >= \(parameters.add(since))")
    }
    if let until = request.publishedUntil {
      // Inclusive of the whole day: "2026-11-27" takes "2026-11-27T18:00Z" too.
      conditions.append("a.published <= \(parameters.add(until + "\u{10FFFF}"))")
    }
    let filter = conditions.joined(separator: " AND ")
    let order: String
    switch request.sort {
    case .title: order = "a.title COLLATE NOCASE, a.id"
    case .published: order = "a.published IS NULL, a.published DESC, a.title COLLATE NOCASE, a.id"
    case .annotations: order = "4 DESC, a.title COLLATE NOCASE, a.id"
    case .recent: order = "5 IS NULL, 5 DESC, a.title COLLATE NOCASE, a.id"
    }
    let values = parameters.values
    do {
      let total = Int(
        try db.scalarInt("SELECT count(*) FROM articles a WHERE \(filter)", values) ?? 0)
      let articles = try db.rows(
        """
        SELECT a.id, a.title, a.tags,
          (SELECT count(*) FROM annotations n WHERE n.article_id = a.id AND n.visible),
          (SELECT max(created) FROM annotations n WHERE n.article_id = a.id AND n.visible)
        FROM articles a WHERE \(filter)
        ORDER BY \(order) LIMIT \(request.limit ?? -1)
        """, values
      ) { row in
        ArticleSummary(
          id: row.string(0), title: row.string(1), tags: Replica.decodeTags(row.string(2)),
          annotationCount: row.int(3))
      }
      return (articles, total)
    } catch { throw Replica.wrap(error) }
  }

  static func decodeTags(_ json: String) -> [String] {
    (try? JSONReader.parse(json.utf8))?.arrayValue?.compactMap(\.stringValue) ?? []
  }

  /// The article with this exact id as currently shown, or nil.
  public func article(id: String) throws(ReplicaError) -> Article? {
    // Inside a transaction no other connection writes, and this one's writes of an article
    // drop the copy (`write`): highlighting an article ten times in a batch read it once.
    if db.isInTransaction, let last = articleReadInTransaction, last.id == id { return last }
    do {
      let article = try db.firstRow(
        """
        SELECT id, title, source_url, published, summary, background, insights, tags
        FROM articles WHERE id = ?1 AND visible
        """, [id]
      ) { row in
        Article(
          id: row.string(0), title: row.string(1), sourceURL: row.optionalString(2),
          published: row.optionalString(3), summary: row.optionalString(4) ?? "",
          background: row.optionalString(5) ?? "",
          insights: row.optionalString(6).flatMap(insights(parsing:)) ?? [],
          tags: Replica.decodeTags(row.string(7)))
      }
      if db.isInTransaction { articleReadInTransaction = article }
      return article
    } catch { throw Replica.wrap(error) }
  }

  /// An article's insights from their stored JSON; nil when it does not parse.
  private func insights(parsing text: String) -> [Insight]? {
    // Compared byte for byte: `==` would take a text in another normalization (NFD against
    // NFC) as the same and hand back the other article's code points.
    if let last = lastInsights, last.text.hasSameBytes(as: text) { return last.insights }
    guard let insights = (try? JSONReader.parse(text.utf8)).flatMap(Insight.from) else {
      return nil
    }
    lastInsights = (text, insights)
    return insights
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

extension Replica {
  /// Deletes an article. Its annotations stay with it: `restore` brings all back. An edit
  /// made concurrently elsewhere brings it back as a delete conflict.
  public func deleteArticle(id: String) throws(ReplicaError) {
    try commitLocal { local in
      let row = try liveRow(.article(id))
      try appendDelete(of: .article(id), state: row.state, to: &local)
    }
  }

  /// Restores a deleted article or annotation: a restore of every current delete, which
  /// syncs like any edit (and ends a delete conflict elsewhere the same way).
  public func restore(_ entity: EntityRef) throws(ReplicaError) {
    try commitLocal { local in
      guard let row = try loadRow(entity), row.state.exists else {
        throw ReplicaError.unknownID(entity.id)
      }
      guard row.state.isDeleted else {
        throw ReplicaError.invalidOperation("\(entity.kind.rawValue) \(entity.id) is not deleted")
      }
      local.append(
        entity, Field.deleted, .set, value: .bool(false), pred: row.state.currentDots(Field.deleted)
      )
    }
  }

  /// Gives an article the title, source, date and texts of `edited` (its id and tags are
  /// not touched). Fields in conflict are settled by it.
  ///
  /// - Returns: The fields that changed (none when `edited` shows what is there).
  /// - Throws: `ReplicaError` for an unknown article or an empty title; nothing is changed
  ///   then.
  @discardableResult
  public func editArticle(id: String, to edited: Article) throws(ReplicaError) -> [String] {
    guard !edited.title.trimmingWhitespace().isEmpty else {
      throw .invalidOperation("the title cannot be empty")
    }
    return try commitLocal { local in
      let row = try liveRow(.article(id))
      var changed: [String] = []
      for (field, value) in try Replica.registerValues(of: edited)
      where !Replica.shows(value, field, in: row)
        || row.state.registers[field, default: []].count > 1
      {
        local.append(.article(id), field, .set, value: value, pred: row.state.currentDots(field))
        changed.append(field)
      }
      return changed
    }
  }
}
