import FolioArticles
import FolioModel
import FolioSQLite

extension Replica {
  /// Restores annotations read from an export, inside the caller's transaction.
  ///
  /// An annotation not here is made again with its id, creator and time (kept in its target;
  /// its changes carry this replica's author), note, colour and tags. One already here gets the note and colour
  /// it was exported with where they differ, and the tags it lacks; one deleted here stays
  /// deleted. Importing the same export twice changes nothing the second time.
  ///
  /// - Returns: Per article id, what happened to its annotations.
  /// - Throws: `ReplicaError.invalidOperation` for an annotation of an article that is
  ///   neither here nor imported with it, or one whose fields are malformed.
  func restore(_ annotations: [Annotation]) throws -> [String: AnnotationImportCounts] {
    var counts: [String: AnnotationImportCounts] = [:]
    for annotation in annotations {
      guard try article(id: annotation.articleID) != nil else {
        throw ReplicaError.invalidOperation(
          "annotation \(annotation.id) is on article \(annotation.articleID), which is neither "
            + "in the file nor in this replica")
      }
      for tag in annotation.tags where !Replica.isValidTag(tag) {
        throw ReplicaError.invalidOperation(
          "annotation \(annotation.id) has an invalid tag '\(tag)'")
      }
      let entity = EntityRef.annotation(annotation.id)
      let row = try loadRow(entity)
      var count = counts[annotation.articleID, default: AnnotationImportCounts()]
      if let row, row.state.exists {
        if row.state.isDeleted {
          count.deletedHere += 1
        } else if try update(row, to: annotation) {
          count.updated += 1
        } else {
          count.unchanged += 1
        }
      } else {
        try recreate(annotation)
        count.added += 1
      }
      counts[annotation.articleID] = count
    }
    return counts
  }

  private func recreate(_ annotation: Annotation) throws {
    let entity = EntityRef.annotation(annotation.id)
    var target = annotation.target
    target.created = annotation.created
    target.creator = annotation.author
    try appendLocal { local in
      local.appendTarget(entity, target)
      if let note = annotation.note {
        local.append(entity, Field.note, .set, value: .string(note))
      }
      if let color = annotation.color {
        local.append(entity, Field.color, .set, value: .string(color))
      }
      var seen: Set<String> = []
      for tag in annotation.tags where seen.insert(tag.lowercased()).inserted {
        local.append(entity, Field.tags, .add, value: .string(tag))
      }
    }
  }

  /// Brings a live annotation to the exported note, colour and tags; true when it changed.
  private func update(_ row: RecordRow, to annotation: Annotation) throws -> Bool {
    let entity = EntityRef.annotation(annotation.id)
    return try appendLocal { local in
      for (field, value) in [(Field.note, annotation.note), (Field.color, annotation.color)] {
        guard let value, row.text(field) != value else { continue }
        local.append(
          entity, field, .set, value: .string(value), pred: row.state.currentDots(field))
      }
      let present = Set(row.state.tagAdditions.keys.map { $0.lowercased() })
      var seen = present
      for tag in annotation.tags where seen.insert(tag.lowercased()).inserted {
        local.append(entity, Field.tags, .add, value: .string(tag))
      }
      return !local.changes.isEmpty
    }
  }
}
