import FolioModel
import FolioSQLite

extension Replica {
  /// Brings a replica of an older schema `version` to the latest, in one transaction.
  func upgrade(from version: Int) throws {
    try transaction {
      if version == 1 { try upgradeFromVersion1() }
      if version == 2 { try upgradeFromVersion2() }
      if version >= 2 { try upgradeFromVersion3() }
      try upgradeFromVersion4()
      // Version 6: the records waiting for the search index (none: every row is indexed).
      try db.execute(ReplicaSchema.searchPending)
      try upgradeFromVersion6()
      try db.run(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('key', ?1)",
        Hex.encode(key.rawRepresentation))
      try db.execute("PRAGMA user_version = \(ReplicaSchema.latestVersion)")
    }
  }

  /// Version 4 adds the chain table. The replica's key (written by `upgrade`) is new, so its
  /// old site id is not derived from it: it cannot sign until `folio rekey`.
  private func upgradeFromVersion3() throws {
    try db.execute(
      "CREATE TABLE IF NOT EXISTS chains (site_key INTEGER PRIMARY KEY, seq INTEGER NOT NULL,"
        + " hash BLOB NOT NULL, head BLOB)")
  }

  /// Version 5 adds the read commands' indexes and widens `annotations_by_article` to
  /// cover them (`ReplicaSchema.readIndexes`).
  private func upgradeFromVersion4() throws {
    try db.execute("DROP INDEX IF EXISTS annotations_by_article")
    try db.execute(ReplicaSchema.readIndexes)
  }

  /// Version 7 indexes annotations by the start of their ids (`RecordIDIndex`): the table is
  /// made again without its UNIQUE index, every row kept with its key (which the search
  /// index refers to). A table made by `upgradeFromVersion1` is new already.
  private func upgradeFromVersion6() throws {
    let unique = try db.scalarInt(
      "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_autoindex_annotations_1'")
    guard unique == 1 else { return }
    let columns =
      "key, id, visible, article_id, kind, selector, note, color, tags, author, created, state"
    try db.execute(
      """
      DROP VIEW annotation_text;
      DROP INDEX IF EXISTS annotations_visible_ids;
      DROP INDEX IF EXISTS annotations_by_article;
      ALTER TABLE annotations RENAME TO annotations_v6;
      \(ReplicaSchema.annotations)
      INSERT INTO annotations (\(columns)) SELECT \(columns) FROM annotations_v6;
      DROP TABLE annotations_v6;
      \(ReplicaSchema.annotationText)
      \(ReplicaSchema.readIndexes)
      """)
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
          _ = try integrate(piece, fromElsewhere: false)
          piece.removeAll(keepingCapacity: true)
        }
      }
      _ = try integrate(piece, fromElsewhere: false)
      try db.execute("DROP TABLE changes_v1")
    }
  }

  /// Upgrades a version 2 replica to version 3 (then `upgradeFromVersion3` runs).
  /// - Its log chunks keep their plain layout, marked by the new `format` column's default
  ///   (0), so no chunk is rewritten.
  /// - Version 2 listed every concurrent text edit as a conflict: the text fields in
  ///   conflict are merged again, so those whose edits do not collide show the merged text
  ///   and are listed as automatic merges, as on a replica that received the same changes
  ///   under version 3.
  private func upgradeFromVersion2() throws {
    try transaction {
      let logColumns = try db.rows("PRAGMA table_info(log)") { $0.string(1) }
      if !logColumns.contains("format") {
        try db.execute("ALTER TABLE log ADD COLUMN format INTEGER NOT NULL DEFAULT 0")
      }
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
      let context = IntegrationContext(
        log: try changeLog(), sites: try sites(), batch: [], positions: [:])
      for (entity, recheck) in fields.sorted(by: { $0.key < $1.key }) {
        try merge([], into: entity, context: context, rechecking: recheck)
      }
    }
  }
}
