import FolioArticles
import FolioModel
import FolioSQLite

/// An open conflict with what a person needs to recognise the record.
public struct ConflictView: Sendable {
  public let conflict: Conflict
  /// The article's title, or the annotation's quote (or note).
  public let label: String
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
        "SELECT DISTINCT entity_kind, entity_id FROM conflicts ORDER BY entity_kind, entity_id"
      ) { row in EntityRef(kind: EntityKind(rawValue: row.string(0)) ?? .article, id: row.string(1))
      }
      var views: [ConflictView] = []
      for entity in entities {
        let state = try state(of: entity)
        let label = try label(of: state)
        views += state.conflicts.map { ConflictView(conflict: $0, label: label) }
      }
      return views
    } catch { throw Replica.wrap(error) }
  }

  /// Number of open conflicts.
  public func conflictCount() throws(ReplicaError) -> Int {
    do { return Int(try db.scalarInt("SELECT count(*) FROM conflicts") ?? 0) } catch {
      throw Replica.wrap(error)
    }
  }

  /// The fields of a record that are in conflict.
  public func conflictedFields(of entityID: String) throws(ReplicaError) -> [String] {
    do {
      return try db.rows(
        "SELECT field FROM conflicts WHERE entity_id = ?1 ORDER BY field", [entityID]
      ) { $0.string(0) }
    } catch { throw Replica.wrap(error) }
  }

  private func label(of state: EntityState) throws -> String {
    switch state.entity.kind {
    case .article: return state.string(Field.title) ?? state.entity.id
    case .annotation:
      let target = state.registers[Field.target]?.last?.value.flatMap(
        AnnotationTarget.init(json:))
      if let quote = target?.selector?.exact { return "“\(quote)”" }
      return state.string(Field.note).map { "note “\($0)”" } ?? state.entity.id
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
      let state = try state(of: conflict.entity)
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
        try appendDelete(of: state, to: &local)
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
