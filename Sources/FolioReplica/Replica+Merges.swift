import FolioModel

/// A text field whose concurrent edits merged on their own, shown for review: which edits,
/// against which base, and the text that resulted.
public struct MergeView: Sendable {
  public let merge: AutomaticMerge
  /// The article's title, or the annotation's quote (or note).
  public let label: String
  /// The article the record is or belongs to, and its title.
  public let article: ArticleLabel?
}

extension Replica {
  /// Every current automatic merge, by record then field: text fields showing the merge of
  /// concurrent edits rather than one of them. A merge stays listed until someone edits the
  /// field again (the edit supersedes every merged version).
  public func automaticMerges() throws(ReplicaError) -> [MergeView] {
    do {
      let entities = try db.rows(
        """
        SELECT DISTINCT entity_kind, entity_id FROM conflicts WHERE kind = ?1
        ORDER BY entity_kind, entity_id
        """, [RecordState.mergedKind]
      ) { row in EntityRef(kind: EntityKind(rawValue: row.string(0)) ?? .article, id: row.string(1))
      }
      var views: [MergeView] = []
      for entity in entities { views += try mergeViews(of: entity) }
      return views
    } catch { throw Replica.wrap(error) }
  }

  /// The current automatic merges of one record (empty when it has none, or is unknown).
  public func automaticMerges(of entity: EntityRef) throws(ReplicaError) -> [MergeView] {
    do { return try mergeViews(of: entity) } catch { throw Replica.wrap(error) }
  }

  private func mergeViews(of entity: EntityRef) throws -> [MergeView] {
    guard let row = try loadRow(entity), !row.state.isDeleted else { return [] }
    let log = try changeLog()
    let label = Replica.label(of: entity, row: row)
    let article = try articleLabel(of: entity, row: row)
    var views: [MergeView] = []
    for field in row.state.mergedFields.sorted() {
      let heads = try (row.state.registers[field] ?? []).map { head in
        guard let change = try log.change(head.dot) else { throw StoredDataDamaged() }
        return change
      }
      let base = try MergeBase.find(of: heads) { try log.change($0) }
      guard let merge = AutomaticMerge.merging(heads: heads, base: base) else {
        throw StoredDataDamaged()
      }
      views.append(MergeView(merge: merge, label: label, article: article))
    }
    return views
  }
}
