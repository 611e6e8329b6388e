import FolioModel
import FolioSQLite

extension Replica {
  /// Brings a replica of an older schema `version` to the latest, in one transaction.
  func upgrade(from version: Int) throws {
    if version == 1 { try upgradeFromVersion1() } else { try upgradeFromVersion2() }
  }

  /// Version 3 only says each log chunk's layout: the chunks written so far keep theirs
  /// (format 0, the default), so the upgrade rewrites nothing.
  private func upgradeFromVersion2() throws {
    try transaction {
      try db.execute("ALTER TABLE log ADD COLUMN format INTEGER NOT NULL DEFAULT 0")
      try db.execute("PRAGMA user_version = \(ReplicaSchema.latestVersion)")
    }
  }

  /// Upgrades a version 1 replica (one JSON row per change, records rebuilt from the log) in
  /// one transaction: its changes are merged again into the latest tables, its remotes
  /// and metadata kept. Nothing is lost; a failure leaves the file as it was.
  private func upgradeFromVersion1() throws {
    try transaction {
      try db.execute(
        """
        ALTER TABLE changes RENAME TO changes_v1;
        ALTER TABLE remotes RENAME TO remotes_v1;
        DROP TABLE vector;
        DROP TABLE articles;
        DROP TABLE annotations;
        DROP TABLE tags;
        DROP TABLE conflicts;
        DROP TABLE search;
        """)
      try db.execute(ReplicaSchema.tables)
      try db.execute("INSERT INTO remotes SELECT * FROM remotes_v1; DROP TABLE remotes_v1")
      let statement = try db.prepare("SELECT json FROM changes_v1 ORDER BY rowid")
      try statement.bind([])
      var piece: [Change] = []
      while try statement.step() {
        piece.append(try ChangeJSON.decode(statement.currentRow.blob(0), migratingOldForm: true))
        if piece.count == 2_000 {
          _ = try integrate(piece, checkingClocks: false)
          piece.removeAll(keepingCapacity: true)
        }
      }
      _ = try integrate(piece, checkingClocks: false)
      try db.execute("DROP TABLE changes_v1")
      try db.execute("PRAGMA user_version = \(ReplicaSchema.latestVersion)")
    }
  }
}
