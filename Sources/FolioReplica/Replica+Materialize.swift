import FolioArticles
import FolioModel
import FolioSQLite
import Foundation

extension Replica {
  /// Rebuilds the materialized rows (article or annotation, tags, conflicts, search) of
  /// each record from its changes in the log.
  ///
  /// - Parameters:
  ///   - state: The record's merged state.
  ///   - replacing: False when the record has no materialized rows yet (nothing to delete).
  /// - Throws: An error saying what went wrong; nothing is changed then.
  func materialize(_ state: EntityState, replacing: Bool) throws {
    let entity = state.entity
    if replacing {
      try db.run("DELETE FROM tags WHERE entity_id = ?1", entity.id)
      try db.run("DELETE FROM conflicts WHERE entity_id = ?1", entity.id)
      try db.run("DELETE FROM search WHERE rowid = ?1", searchRowID(entity))
    }
    switch entity.kind {
    case .article: try materializeArticle(state)
    case .annotation: try materializeAnnotation(state)
    }
    for conflict in state.conflicts {
      try db.run(
        """
        INSERT INTO conflicts (id, entity_kind, entity_id, field, kind)
        VALUES (?1, ?2, ?3, ?4, ?5)
        """,
        conflict.id, entity.kind.rawValue, entity.id, conflict.field, conflict.kind.rawValue)
    }
  }

  private func materializeArticle(_ state: EntityState) throws {
    let id = state.entity.id
    guard let article = Replica.article(from: state), !state.isDeleted else {
      try db.run("DELETE FROM articles WHERE id = ?1", id)
      return
    }
    try db.run(
      """
      INSERT OR REPLACE INTO articles
        (id, title, source_url, published, summary_change, background_change, insights_change,
         tags)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
      """,
      id, article.title, article.sourceURL, article.published,
      Replica.changeReference(state, Field.summary),
      Replica.changeReference(state, Field.background),
      Replica.changeReference(state, Field.insights),
      JSONValue.array(article.tags.map(JSONValue.string)).canonicalText)
    try insertTags(article.tags, of: id)
    try db.run(
      "INSERT INTO search (rowid, entity_id, article_id, title, body) VALUES (?1, ?2, ?2, ?3, ?4)",
      searchRowID(state.entity), id, article.title,
      [article.summary, article.background, article.insightsText].joined(separator: "\n"))
  }

  private func materializeAnnotation(_ state: EntityState) throws {
    let id = state.entity.id
    guard let annotation = Replica.annotation(from: state), !state.isDeleted else {
      try db.run("DELETE FROM annotations WHERE id = ?1", id)
      return
    }
    let selector = annotation.target.selector.map(\.jsonValue.canonicalText)
    try db.run(
      """
      INSERT OR REPLACE INTO annotations
        (id, article_id, kind, selector, note, color, tags, author, created)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
      """,
      id, annotation.articleID, annotation.kind.rawValue, selector, annotation.note,
      annotation.color, JSONValue.array(annotation.tags.map(JSONValue.string)).canonicalText,
      annotation.author,
      Int64(annotation.created))
    try insertTags(annotation.tags, of: id)
    try db.run(
      "INSERT INTO search (rowid, entity_id, article_id, title, body) VALUES (?1, ?2, ?3, '', ?4)",
      searchRowID(state.entity), id, annotation.articleID,
      [annotation.target.selector?.exact ?? "", annotation.note ?? ""].joined(separator: "\n"))
  }

  /// "site:seq" of the change whose value `field` shows, or nil.
  static func changeReference(_ state: EntityState, _ field: String) -> String? {
    state.registers[field]?.first.map { "\($0.site.rawValue):\($0.seq)" }
  }

  private func insertTags(_ tags: [String], of id: String) throws {
    for tag in tags {
      try db.run("INSERT OR IGNORE INTO tags (entity_id, tag) VALUES (?1, ?2)", id, tag)
    }
  }

  /// A stable 60-bit rowid for the record's search row, so it can be replaced without
  /// scanning the index.
  func searchRowID(_ entity: EntityRef) -> Int64 {
    let digest = SHA256.digest(Array("\(entity.kind.rawValue)/\(entity.id)".utf8))
    return digest.prefix(8).reduce(Int64(0)) { ($0 << 8) | Int64($1) } & 0x0FFF_FFFF_FFFF_FFFF
  }

  /// The article a record's merged state shows, or nil before its title has arrived.
  static func article(from state: EntityState) -> Article? {
    guard let title = state.string(Field.title) else { return nil }
    let insights = state.value(Field.insights).flatMap(Insight.from) ?? []
    return Article(
      id: state.entity.id, title: title, sourceURL: state.string(Field.sourceURL),
      published: state.string(Field.published), summary: state.string(Field.summary) ?? "",
      background: state.string(Field.background) ?? "", insights: insights,
      tags: state.tags)
  }

  /// The annotation a record's merged state shows, or nil before its target has arrived.
  static func annotation(from state: EntityState) -> Annotation? {
    guard let targetChange = state.registers[Field.target]?.last,
      let target = targetChange.value.flatMap(AnnotationTarget.init(json:))
    else { return nil }
    return Annotation(
      id: state.entity.id, target: target, note: state.string(Field.note),
      color: state.string(Field.color), tags: state.tags, author: targetChange.author,
      created: targetChange.hlc.milliseconds)
  }
}
