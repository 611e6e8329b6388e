import FolioModel
import FolioSQLite

extension Replica {
  /// Upgrades a version 1 replica (one JSON row per change, records rebuilt from the log) in
  /// one transaction: its changes are merged again into the version 2 tables, its remotes
  /// and metadata kept. Nothing is lost; a failure leaves the file as it was.
  func upgradeFromVersion1() throws {
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

  /// Upgrades a version 2 replica, which listed every concurrent text edit as a conflict:
  /// the text fields in conflict are merged again, so those whose edits do not collide show
  /// the merged text and are listed as automatic merges, as on a replica that received the
  /// same changes under version 3. One transaction; a failure leaves the file as it was.
  func upgradeFromVersion2() throws {
    try transaction {
      let conflicted = try db.rows(
        "SELECT entity_kind, entity_id, field FROM conflicts WHERE kind = 'value'"
      ) { row in
        (
          EntityRef(kind: EntityKind(rawValue: row.string(0)) ?? .article, id: row.string(1)),
          row.string(2)
        )
      }
      var fields: [EntityRef: Set<String>] = [:]
      for (entity, field) in conflicted where TextMerge.fields.contains(field) {
        fields[entity, default: []].insert(field)
      }
      let context = IntegrationContext(log: try changeLog(), sites: try sites(), batch: [:])
      for (entity, recheck) in fields.sorted(by: { $0.key < $1.key }) {
        try merge([], into: entity, context: context, rechecking: recheck)
      }
      try db.execute("PRAGMA user_version = \(ReplicaSchema.latestVersion)")
    }
  }
}
