import FolioSQLite

/// A database file's size and what takes the space.
struct StorageResult {
  /// The file and its write-ahead log (there is none once closed).
  let fileBytes: Int
  /// Bytes per table or index, from SQLite's dbstat.
  let objects: [String: Int]
  /// Bytes of the full-text indexes (FTS5 tables and their shadow tables).
  let fullTextBytes: Int

  var withoutFullTextBytes: Int { fileBytes - fullTextBytes }
}

/// Measures a closed database file. Only SQLite's own catalog is read: any FTS5 table
/// and its shadow tables count as the full-text index.
enum SizePhase {
  /// The shadow tables FTS5 keeps for a table NAME are NAME_data, NAME_idx and so on.
  static let shadowSuffixes = ["_data", "_idx", "_content", "_docsize", "_config"]

  static func measure(_ path: String) throws -> StorageResult {
    let fileBytes = FileSize.databaseBytes(path)
    let db = try Connection(path: path)
    let pairs = try db.rows("SELECT name, sum(pgsize) FROM dbstat GROUP BY name") {
      ($0.string(0), $0.int(1))
    }
    let objects = Dictionary(pairs, uniquingKeysWith: +)
    let fullTextTables = try db.rows(
      """
      SELECT name FROM sqlite_master
      WHERE type = 'table' AND lower(sql) LIKE 'create virtual table%using fts5%'
      """
    ) { $0.string(0) }
    let tableOf = Dictionary(
      try db.rows("SELECT name, tbl_name FROM sqlite_master") { ($0.string(0), $0.string(1)) },
      uniquingKeysWith: { first, _ in first })
    let fullTextBytes = objects.reduce(0) { total, object in
      let table = tableOf[object.key] ?? object.key
      let isFullText = fullTextTables.contains { name in
        table == name || shadowSuffixes.contains { table == name + $0 }
      }
      return total + (isFullText ? object.value : 0)
    }
    return StorageResult(fileBytes: fileBytes, objects: objects, fullTextBytes: fullTextBytes)
  }
}
