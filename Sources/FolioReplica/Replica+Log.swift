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
      let log = try changeLog()
      if let entity {
        var ids: Set<String> = [entity.id]
        if entity.kind == .article {
          // Deleted annotations keep their row (and article), so their history shows too.
          ids.formUnion(
            try db.rows("SELECT id FROM annotations WHERE article_id = ?1", [entity.id]) {
              $0.string(0)
            })
        }
        var changes: [Change] = []
        for site in try sites().knownSites {
          try log.forEachChunk(
            of: site, after: 0,
            wanted: { kind, id in
              kind == entity.kind ? id == entity.id[...] : ids.contains(String(id))
            }
          ) { chunk in
            changes += chunk
            return true
          }
        }
        return Array(changes.sorted { Change.precedes($1, $0) }.prefix(limit))
      }
      // A site's changes are in clock order, so the newest `limit` of the library are among
      // the newest `limit` of each site.
      var newest: [Change] = []
      for site in try sites().knownSites {
        newest += try log.newestChanges(of: site, limit: limit)
      }
      return Array(newest.sorted { Change.precedes($1, $0) }.prefix(limit))
    } catch { throw Replica.wrap(error) }
  }
}

extension Replica {
  /// The record `prefix` names for reading its history: like `resolve`, but a deleted
  /// annotation (or article) still answers, so who deleted it, and when, can be read.
  ///
  /// - Parameter prefix: At least one character of an id.
  /// - Returns: The one record it names, live ones first.
  /// - Throws: `ReplicaError` for an unknown or ambiguous prefix; nothing is changed.
  public func resolveInHistory(_ prefix: String) throws(ReplicaError) -> EntityRef {
    do {
      return try resolve(prefix)
    } catch .unknownID {
      guard let entity = try records(startingWith: prefix, where: "1") else {
        throw .unknownID(prefix)
      }
      return entity
    }
  }
}
