import FolioModel
import FolioSQLite

/// Keeping the full-text index in step with the rows, away from the merge.
///
/// Indexing text (FTS5 cutting it into words) was a fifth of a bundle apply, paid again for
/// every edit of a record. A merge now only lists the record whose text changed in
/// `search_pending` (a small insert); the index takes in every listed record when it is next
/// searched, in one statement per table, so a record edited many times between two
/// searches is indexed once. An entry leaves the index at once when its record's text
/// changes, since FTS5 needs the text it indexed to remove it.
extension Replica {
  /// Brings the search index up to date with every record, in one transaction; `search`
  /// calls it first. A replica with nothing pending only reads one row.
  ///
  /// - Returns: How many records were listed as pending (including some that no longer
  ///   show and so were not indexed).
  @discardableResult
  public func updateSearchIndex() throws(ReplicaError) -> Int {
    do {
      guard try db.scalarInt("SELECT 1 FROM search_pending LIMIT 1") != nil else { return 0 }
      return try transaction {
        let pending = Int(try db.scalarInt("SELECT count(*) FROM search_pending") ?? 0)
        // One statement per table: FTS5 then flushes its terms once, not per record.
        try db.execute(
          """
          INSERT INTO article_search (rowid, title, summary, background, insights)
            SELECT t.key, t.title, t.summary, t.background, t.insights
            FROM search_pending p JOIN articles a ON a.key = p.key
              JOIN article_text t ON t.key = p.key
            WHERE p.kind = \(SearchKind.article) AND a.visible;
          INSERT INTO annotation_search (rowid, quote, note)
            SELECT t.key, t.quote, t.note
            FROM search_pending p JOIN annotations n ON n.key = p.key
              JOIN annotation_text t ON t.key = p.key
            WHERE p.kind = \(SearchKind.annotation) AND n.visible;
          DELETE FROM search_pending;
          """)
        return pending
      }
    } catch { throw Replica.wrap(error) }
  }

  /// True when the record's text is waiting to be indexed (so the index has no entry for it).
  func isSearchPending(_ kind: EntityKind, key: Int64) throws -> Bool {
    try db.scalarInt(
      "SELECT 1 FROM search_pending WHERE kind = ?1 AND key = ?2",
      [SearchKind.code(kind), key]) != nil
  }

  /// Lists the record as waiting to be indexed.
  func markSearchPending(_ kind: EntityKind, key: Int64) throws {
    try db.prepare("INSERT OR IGNORE INTO search_pending (kind, key) VALUES (?1, ?2)")
      .run([SearchKind.code(kind), key])
  }
}

/// How `search_pending` names a kind of record.
enum SearchKind {
  static let article: Int64 = 0
  static let annotation: Int64 = 1

  static func code(_ kind: EntityKind) -> Int64 { kind == .article ? article : annotation }
}
