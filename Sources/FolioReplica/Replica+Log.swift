import FolioArticles
import FolioModel
import FolioSQLite

extension Replica {
  /// Changes newest first, of one record (and, for an article, its annotations) or of all.
  ///
  /// - Parameters:
  ///   - entity: The record, or nil for the whole library.
  ///   - limit: The most changes to return.
  /// - Returns: The changes, newest first.
  /// - Throws: `ReplicaError` saying what went wrong; nothing is changed then.
  public func log(of entity: EntityRef? = nil, limit: Int = 1_000) throws(ReplicaError) -> [Change]
  {
    do {
      if let entity {
        var ids = [entity.id]
        if entity.kind == .article {
          ids += try db.rows(
            """
            SELECT DISTINCT entity_id FROM changes
            WHERE entity_kind = 'annotation' AND entity_id IN
              (SELECT id FROM annotations WHERE article_id = ?1)
            """, [entity.id]
          ) { $0.string(0) }
        }
        var changes: [Change] = []
        for id in ids {
          changes += try db.rows("SELECT json FROM changes WHERE entity_id = ?1", [id]) {
            try ChangeJSON.decode($0.blob(0))
          }
        }
        return Array(changes.sorted { Change.precedes($1, $0) }.prefix(limit))
      }
      // Arrival order is close to time order; the newest arrivals are sorted by clock.
      let recent = try db.rows(
        "SELECT json FROM changes ORDER BY rowid DESC LIMIT ?1", [limit]
      ) { try ChangeJSON.decode($0.blob(0)) }
      return recent.sorted { Change.precedes($1, $0) }
    } catch { throw Replica.wrap(error) }
  }
}
