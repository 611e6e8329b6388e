import FolioArticles
import FolioModel
import FolioSQLite

/// A record's row as stored: its key, whether it shows, its merge state and the values it
/// shows, by column.
struct RecordRow {
  let kind: EntityKind
  var key: Int64?
  var visible = false
  var state = RecordState()
  /// The shown values in the order of `RecordColumns.written(kind)`: an array, not a
  /// dictionary by name, since hashing the names was a visible share of every merge.
  var values: [SQLiteValue]

  /// The row of a record that has none yet: nothing shows.
  init(kind: EntityKind) {
    self.kind = kind
    values = Array(repeating: .null, count: RecordColumns.written(kind).count)
  }

  /// The value of one of the kind's columns (`RecordColumns.written`).
  subscript(column: String) -> SQLiteValue {
    get { values[RecordColumns.position(of: column, in: kind)] }
    set { values[RecordColumns.position(of: column, in: kind)] = newValue }
  }

  func text(_ column: String) -> String? {
    if case .text(let text) = self[column] { return text }
    return nil
  }
}

/// The columns each kind of record shows, and the register field each comes from.
enum RecordColumns {
  static let article = ["title", "source_url", "published", "summary", "background", "insights"]
  static let articleFields: [String: String] = [
    Field.title: "title", Field.sourceURL: "source_url", Field.published: "published",
    Field.summary: "summary", Field.background: "background", Field.insights: "insights",
  ]
  static let annotation = [
    "article_id", "kind", "selector", "note", "color", "author", "created",
  ]
  /// Positions in `written(kind)` of the columns whose change means the search index must
  /// be updated.
  static func searched(_ kind: EntityKind) -> [Int] {
    kind == .article ? articleSearched : annotationSearched
  }
  private static let articleSearched = ["title", "summary", "background", "insights"].map {
    position(of: $0, in: .article)
  }
  private static let annotationSearched = ["selector", "note"].map {
    position(of: $0, in: .annotation)
  }

  static func table(_ kind: EntityKind) -> String {
    kind == .article ? "articles" : "annotations"
  }

  static func columns(_ kind: EntityKind) -> [String] { kind == .article ? article : annotation }

  /// The columns a row write sets after id, visible and state (bound from `?4` on).
  static func written(_ kind: EntityKind) -> [String] {
    kind == .article ? articleWritten : annotationWritten
  }
  private static let articleWritten = ["tags"] + article
  private static let annotationWritten = ["tags"] + annotation

  /// Where `column` is in `written(kind)`; the names are the code's own, so one that is not
  /// there is a mistake in the code.
  static func position(of column: String, in kind: EntityKind) -> Int {
    guard let position = written(kind).firstIndex(of: column) else {
      preconditionFailure("\(table(kind)) has no column \(column)")
    }
    return position
  }

  /// The statements that read a row (`loadRow`), built once per kind.
  static let selectSQL = Dictionary(
    uniqueKeysWithValues: EntityKind.allCases.map { kind in
      (
        kind,
        "SELECT key, visible, state, tags, \(columns(kind).joined(separator: ", ")) FROM "
          + "\(table(kind)) WHERE \(RecordIDIndex.matching(kind, id: "?1"))"
      )
    })

  /// The statements that write a row, built once per kind rather than per record.
  static let insertSQL = Dictionary(
    uniqueKeysWithValues: EntityKind.allCases.map { kind in
      let columns = written(kind)
      let placeholders = columns.indices.map { "?\($0 + 4)" }.joined(separator: ", ")
      return (
        kind,
        "INSERT INTO \(table(kind)) (id, visible, state, \(columns.joined(separator: ", "))) "
          + "VALUES (?1, ?2, ?3, \(placeholders))"
      )
    })
  static let updateSQL = Dictionary(
    uniqueKeysWithValues: EntityKind.allCases.map { kind in
      let assignments = written(kind).enumerated().map { "\($1) = ?\($0 + 4)" }
        .joined(separator: ", ")
      return (
        kind, "UPDATE \(table(kind)) SET visible = ?2, state = ?3, \(assignments) WHERE key = ?1"
      )
    })
}

extension Replica {
  /// Reads a record's row, or nil when the record has none yet.
  func loadRow(_ entity: EntityRef) throws -> RecordRow? {
    let sites = try sites()
    return try db.firstRow(RecordColumns.selectSQL[entity.kind] ?? "", [entity.id]) { row in
      var record = RecordRow(kind: entity.kind)
      record.key = row.int64(0)
      record.visible = row.int(1) != 0
      record.state = try RecordState(stored: row.blob(2), site: sites.site(forKey:))
      for position in record.values.indices { record.values[position] = row.value(3 + position) }
      return record
    }
  }

  /// Merges one record's new changes (their positions in the context's piece, in arrival
  /// order) into its stored state and rewrites its row, search entry and conflicts.
  /// `rechecking` names fields whose conflict or merge is computed again even if no change
  /// touches them (after an upgrade of the merge rules).
  func merge(
    _ positions: [Int], into entity: EntityRef, context: IntegrationContext,
    rechecking: Set<String> = []
  ) throws {
    let isNew = db.isInTransaction ? try newRecords.isNew(entity, in: db) : false
    let before = try (isNew ? nil : loadRow(entity)) ?? RecordRow(kind: entity.kind)
    var after = before
    // In place (see `integrate`).
    try context.batch.withUnsafeBufferPointer { batch in
      for position in positions {
        try after.state.apply(batch[position], lookup: context)
        context.markMerged(position)
      }
    }
    for field in rechecking.sorted() { try after.state.recheckConflict(field, lookup: context) }
    switch entity.kind {
    case .article: try showArticle(&after, before: before, context: context)
    case .annotation: try showAnnotation(&after, before: before, context: context)
    }
    try write(after, before: before, entity: entity)
  }

  private func showArticle(
    _ row: inout RecordRow, before: RecordRow, context: IntegrationContext
  ) throws {
    for (field, column) in RecordColumns.articleFields {
      if let merged = row.state.freshMerges[field] {
        row[column] = .text(merged)
        continue
      }
      let winner = row.state.winner(field)
      guard winner?.dot != before.state.winner(field)?.dot || mergeEnded(field, row, before)
      else { continue }
      let value = try winner.map { try context.change($0.dot).value } ?? nil
      if field == Field.insights {
        row[column] = value.map { .text($0.canonicalText) } ?? .null
      } else {
        row[column] = value?.stringValue.map(SQLiteValue.text) ?? .null
      }
    }
    row["tags"] = .text(Replica.tagsJSON(row.state.tags))
    row.visible = row.text("title") != nil && !row.state.isDeleted
  }

  private func showAnnotation(
    _ row: inout RecordRow, before: RecordRow, context: IntegrationContext
  ) throws {
    // The target is written once; of concurrent targets, the oldest shows (as EntityState).
    let target = row.state.registers[Field.target]?.last
    if target?.dot != before.state.registers[Field.target]?.last?.dot {
      let columns = try target.flatMap { try context.targetColumns($0.dot) }
      row["article_id"] = columns.map { .text($0.article) } ?? .null
      row["kind"] = columns.map { .text($0.kind) } ?? .null
      row["selector"] = columns?.selector.map { .text($0) } ?? .null
      row["author"] = columns.map { .text($0.author) } ?? .null
      row["created"] = columns.map { .integer($0.created) } ?? .null
    }
    for field in [Field.note, Field.color] {
      if let merged = row.state.freshMerges[field] {
        row[field] = .text(merged)
        continue
      }
      let winner = row.state.winner(field)
      guard winner?.dot != before.state.winner(field)?.dot || mergeEnded(field, row, before)
      else { continue }
      let value = try winner.map { try context.change($0.dot).value } ?? nil
      row[field] = value?.stringValue.map(SQLiteValue.text) ?? .null
    }
    row["tags"] = .text(Replica.tagsJSON(row.state.tags))
    row.visible = row.text("article_id") != nil && !row.state.isDeleted
  }

  /// True when `field` showed a merged text and no longer does: it shows its winner again
  /// even if the winner did not change.
  private func mergeEnded(_ field: String, _ row: RecordRow, _ before: RecordRow) -> Bool {
    before.state.mergedFields.contains(field) && !row.state.mergedFields.contains(field)
  }

  static func tagsJSON(_ tags: [String]) -> String {
    // Most records have no tag: no JSON is built for them.
    tags.isEmpty ? "[]" : JSONValue.array(tags.map(JSONValue.string)).canonicalText
  }

  /// Writes the row, keeps the search index in step with what shows, and lists the
  /// record's open conflicts.
  private func write(_ row: RecordRow, before: RecordRow, entity: EntityRef) throws {
    let search = entity.kind == .article ? "article_search" : "annotation_search"
    let textChanged = RecordColumns.searched(entity.kind).contains {
      row.values[$0] != before.values[$0]
    }
    if entity.kind == .article { articleReadInTransaction = nil }
    let sites = try sites()
    let state = try row.state.encoded(siteKey: sites.key(for:))
    let values: [any SQLiteBindable] = row.values
    var key: Int64
    if let existing = before.key {
      key = existing
      // The index holds a row that shows unless it is pending (`ReplicaSchema.searchPending`);
      // its entry goes while the row still has the text it was indexed with.
      if before.visible, !row.visible || textChanged,
        try !isSearchPending(entity.kind, key: key)
      {
        try removeFromSearch(search, entity.kind, key: key)
      }
      try db.prepare(RecordColumns.updateSQL[entity.kind] ?? "")
        .run([key, row.visible, state] + values)
    } else {
      try db.prepare(RecordColumns.insertSQL[entity.kind] ?? "")
        .run([entity.id, row.visible, state] + values)
      key = db.lastInsertedRowID
      newRecords.noteWritten(entity)
    }
    if row.visible, !before.visible || textChanged {
      try markSearchPending(entity.kind, key: key)
    }
    let listedBefore = before.state.listed
    let listedAfter = row.state.listed
    if listedBefore.map(\.field) != listedAfter.map(\.field)
      || listedBefore.map(\.kind) != listedAfter.map(\.kind)
    {
      try db.run(
        "DELETE FROM conflicts WHERE entity_kind = ?1 AND entity_id = ?2",
        entity.kind.rawValue, entity.id)
      for entry in listedAfter {
        try db.run(
          """
          INSERT INTO conflicts (entity_kind, entity_id, field, id, kind)
          VALUES (?1, ?2, ?3, ?4, ?5)
          """,
          entity.kind.rawValue, entity.id, entry.field,
          Conflict.id(entity: entity, field: entry.field), entry.kind)
      }
    }
  }

  /// Removes a record's entry from its search table (external content: FTS5 needs the
  /// text it indexed, read from the row through the table's view before the row changes).
  ///
  /// The text is read first and written with a one-row `VALUES`: an `INSERT … SELECT` may
  /// write several rows, so SQLite opens a statement savepoint for it, and FTS5 writes its
  /// pending terms to disk at every savepoint.
  private func removeFromSearch(_ search: String, _ kind: EntityKind, key: Int64) throws {
    let columns = kind == .article ? "title, summary, background, insights" : "quote, note"
    let view = kind == .article ? "article_text" : "annotation_text"
    let count = kind == .article ? 4 : 2
    guard
      let text = try db.firstRow(
        "SELECT \(columns) FROM \(view) WHERE key = ?1", [key],
        { row in (0..<count).map { row.optionalString($0) } })
    else { return }
    let placeholders = (0..<count).map { "?\($0 + 2)" }.joined(separator: ", ")
    try db.prepare(
      "INSERT INTO \(search) (\(search), rowid, \(columns)) VALUES ('delete', ?1, \(placeholders))"
    ).run([key] + text.map { $0 as any SQLiteBindable })
  }
}
