import FolioArticles
import FolioModel
import FolioSQLite

/// An open conflict with what a person needs to recognise the record.
public struct ConflictView: Sendable {
  public let conflict: Conflict
  /// The article's title, or the annotation's quote (or note).
  public let label: String
  /// The article the record is or belongs to, and its title (nil when not known here).
  public let article: ArticleLabel?

  /// The change every version supersedes, when there is one (`Conflict.base`).
  public var base: Change? { conflict.base }
}

/// An article named the way people know it.
public struct ArticleLabel: Sendable, Equatable {
  public let id: String
  /// Its title, when the article is here.
  public let title: String?
}

/// How a person settles a conflict.
public enum Resolution: Sendable, Equatable {
  /// The N-th version as listed (1-based).
  case pick(Int)
  /// The version written by this author.
  case author(String)
  /// A new value.
  case value(String)
  /// Keep the record (delete conflicts).
  case restore
  /// Delete it after all (delete conflicts).
  case confirmDelete
}

extension Replica {
  /// Every open conflict, by record then field.
  public func conflicts() throws(ReplicaError) -> [ConflictView] {
    do {
      let entities = try db.rows(
        """
        SELECT DISTINCT entity_kind, entity_id FROM conflicts WHERE kind != ?1
        ORDER BY entity_kind, entity_id
        """, [RecordState.mergedKind]
      ) { row in EntityRef(kind: EntityKind(rawValue: row.string(0)) ?? .article, id: row.string(1))
      }
      var views: [ConflictView] = []
      for entity in entities {
        guard let row = try loadRow(entity) else { continue }
        let label = Replica.label(of: entity, row: row)
        let article = try articleLabel(of: entity, row: row)
        views += try conflicts(of: entity, state: row.state).map {
          ConflictView(conflict: $0, label: label, article: article)
        }
      }
      return views
    } catch { throw Replica.wrap(error) }
  }

  /// The open conflicts of one record, with the competing changes (and for a value
  /// conflict, their common base) read from the log.
  func conflicts(of entity: EntityRef, state: RecordState) throws -> [Conflict] {
    let log = try changeLog()
    func changes(_ dots: some Sequence<Dot>) throws -> [Change] {
      try dots.map { dot in
        guard let change = try log.change(dot) else { throw StoredDataDamaged() }
        return change
      }
    }
    return try state.conflicts.map { conflict in
      let heads = try changes((state.registers[conflict.field] ?? []).map(\.dot))
      guard conflict.kind == .delete else {
        let base = try MergeBase.find(of: heads) { try log.change($0) }
        return Conflict(
          entity: entity, field: conflict.field, kind: .value, versions: heads, base: base)
      }
      let edits = try changes(state.editsConcurrentWithDelete).sorted { Change.precedes($1, $0) }
      return Conflict(entity: entity, field: conflict.field, kind: .delete, versions: heads + edits)
    }
  }

  /// Number of open conflicts.
  public func conflictCount() throws(ReplicaError) -> Int {
    do {
      return Int(
        try db.scalarInt(
          "SELECT count(*) FROM conflicts WHERE kind != ?1", [RecordState.mergedKind]) ?? 0)
    } catch {
      throw Replica.wrap(error)
    }
  }

  /// The fields of a record that are in conflict.
  public func conflictedFields(of entity: EntityRef) throws(ReplicaError) -> [String] {
    do {
      return try db.rows(
        """
        SELECT field FROM conflicts WHERE entity_kind = ?1 AND entity_id = ?2 AND kind != ?3
        ORDER BY field
        """,
        [entity.kind.rawValue, entity.id, RecordState.mergedKind]
      ) { $0.string(0) }
    } catch { throw Replica.wrap(error) }
  }

  static func label(of entity: EntityRef, row: RecordRow) -> String {
    switch entity.kind {
    case .article: return row.text("title") ?? entity.id
    case .annotation:
      let selector = row.text("selector").flatMap { text in
        (try? JSONReader.parse(text.utf8)).flatMap(TextSelector.init(json:))
      }
      if let quote = selector?.exact { return "“\(quote)”" }
      return row.text("note").map { "note “\($0)”" } ?? entity.id
    }
  }

  /// The article a record is, or the one an annotation belongs to, with its title.
  func articleLabel(of entity: EntityRef, row: RecordRow) throws -> ArticleLabel? {
    switch entity.kind {
    case .article: return ArticleLabel(id: entity.id, title: row.text("title"))
    case .annotation:
      guard let id = row.text("article_id") else { return nil }
      return ArticleLabel(id: id, title: try loadRow(.article(id))?.text("title"))
    }
  }

  /// The open conflict whose id starts with `prefix`.
  public func conflict(_ prefix: String) throws(ReplicaError) -> ConflictView {
    let all = try conflicts()
    let matches = all.filter { $0.conflict.id.hasPrefix(prefix.lowercased()) }
    guard !prefix.isEmpty, let first = matches.first else {
      throw .unknownID(prefix)
    }
    guard matches.count == 1 else {
      throw .ambiguousID(prefix, candidates: matches.map(\.conflict.id))
    }
    return first
  }

  /// Settles a conflict with one ordinary change that syncs like any edit.
  public func resolve(conflict prefix: String, with resolution: Resolution) throws(ReplicaError) {
    let view = try conflict(prefix)
    let conflict = view.conflict
    try commitLocal { local in
      guard let state = try loadRow(conflict.entity)?.state else {
        throw ReplicaError.unknownID(conflict.entity.id)
      }
      switch (conflict.kind, resolution) {
      case (.value, .pick(let index)):
        let values = conflict.versions
        guard (1...values.count).contains(index), let value = values[index - 1].value else {
          throw ReplicaError.invalidOperation(
            "--pick takes a number from 1 to \(values.count) (see 'folio conflicts')")
        }
        local.append(
          conflict.entity, conflict.field, .set, value: value,
          pred: state.currentDots(conflict.field))
      case (.value, .author(let name)):
        let byAuthor = conflict.versions.filter { $0.author == name }
        guard let chosen = byAuthor.first?.value else {
          let authors = Set(conflict.versions.map(\.author)).sorted().joined(separator: ", ")
          throw ReplicaError.invalidOperation("no version by '\(name)'; the authors are \(authors)")
        }
        guard Set(byAuthor.map(\.value)).count == 1 else {
          throw ReplicaError.invalidOperation(
            "\(name) wrote several versions; choose one with --pick")
        }
        local.append(
          conflict.entity, conflict.field, .set, value: chosen,
          pred: state.currentDots(conflict.field))
      case (.value, .value(let text)):
        let value: JSONValue =
          conflict.field == Field.insights
          ? Insight.jsonValue([Insight(question: text, points: [])]) : .string(text)
        local.append(
          conflict.entity, conflict.field, .set, value: value,
          pred: state.currentDots(conflict.field))
      case (.delete, .restore):
        local.append(
          conflict.entity, Field.deleted, .set, value: .bool(false),
          pred: state.currentDots(Field.deleted))
      case (.delete, .confirmDelete):
        try appendDelete(of: conflict.entity, state: state, to: &local)
      case (.delete, _):
        throw ReplicaError.invalidOperation(
          "conflict \(conflict.id) is a delete conflict: use --restore or --confirm-delete")
      case (.value, _):
        throw ReplicaError.invalidOperation(
          "conflict \(conflict.id) is between values: use --pick, --author, --value or --edit")
      }
    }
  }
}
