import FolioModel

/// A current change of a register: one that no known change supersedes.
struct Head: Hashable, Sendable {
  let dot: Dot
  let hlc: HybridTimestamp
  /// For the `deleted` field: true for a delete, false for a restore.
  let isDelete: Bool

  init(_ change: Change) {
    dot = change.dot
    hlc = change.hlc
    isDelete = change.isDelete
  }

  init(dot: Dot, hlc: HybridTimestamp, isDelete: Bool) {
    self.dot = dot
    self.hlc = hlc
    self.isDelete = isDelete
  }

  /// The order `Change.precedes` gives: the greatest head wins a register.
  static func precedes(_ lhs: Head, _ rhs: Head) -> Bool {
    (lhs.hlc, lhs.dot.site, lhs.dot.seq) < (rhs.hlc, rhs.dot.site, rhs.dot.seq)
  }
}

/// What `RecordState.apply` needs to know about changes other than the one it applies.
protocol ChangeLookup {
  /// True when the change `dot` is already in the log (or earlier in the same batch).
  func hasArrived(_ dot: Dot) -> Bool
  /// The stored change `dot`, which has arrived.
  func change(_ dot: Dot) throws -> Change
  /// The changes of `entity` made by `site` with a seq in `range`.
  func changes(of entity: EntityRef, site: SiteID, seqs range: ClosedRange<Int>) throws -> [Change]
}

/// The persisted merge state of one record: what `EntityState` computes from the record's
/// whole history, kept up to date one change at a time.
///
/// Applying a change touches only what its `pred` names, so a write costs the same on a
/// record with ten changes as on one with ten thousand. The log is read back only in rare
/// cases: concurrent values (to tell whether they differ, and for a text field that differs,
/// the changes back to their common base to merge them), and a delete whose context does
/// not cover every change of the record (to list the concurrent edits).
/// `EntityState` stays the oracle: tests check that both agree on random histories.
struct RecordState: Equatable, Sendable {
  /// Current changes per register field, greatest first.
  var registers: [String: [Head]] = [:]
  /// Register fields whose current changes hold two or more different values that did not
  /// merge.
  var conflictedFields: Set<String> = []
  /// Text fields whose different current values merged cleanly (`AutomaticMerge`).
  var mergedFields: Set<String> = []
  /// The merged text of each field merged by the last `apply` (not stored: the row's column
  /// keeps it).
  var freshMerges: [String: String] = [:]
  /// Live additions per present tag.
  var tagAdditions: [String: [Dot]] = [:]
  /// Dots named in some `pred` that have not arrived yet: when they do, they are born
  /// superseded.
  var pendingSuperseded: Set<Dot> = []
  /// The highest seq of this record's changes, per site.
  var latestSeqs: [SiteID: Int] = [:]
  /// The merged context of the current deletes, when there is one.
  var deleteContext: VersionVector?
  /// Changes to other fields that `deleteContext` does not cover.
  var editsConcurrentWithDelete: Set<Dot> = []

  /// True when the record has any current value.
  var exists: Bool { !registers.isEmpty || !tagAdditions.isEmpty }

  /// True when a delete stands with no concurrent edit and no concurrent restore.
  var isDeleted: Bool {
    guard let heads = registers[Field.deleted], !heads.isEmpty else { return false }
    return heads.allSatisfy(\.isDelete) && editsConcurrentWithDelete.isEmpty
  }

  /// True when the delete conflict (a delete next to an edit or a restore) is open.
  var hasDeleteConflict: Bool {
    guard let heads = registers[Field.deleted], heads.contains(where: \.isDelete) else {
      return false
    }
    return heads.contains { !$0.isDelete } || !editsConcurrentWithDelete.isEmpty
  }

  /// Open conflicts by field, as `EntityState.conflicts` lists them.
  var conflicts: [(field: String, kind: Conflict.Kind)] {
    guard !isDeleted else { return [] }
    var result = conflictedFields.filter { $0 != Field.deleted }.map {
      (field: $0, kind: Conflict.Kind.value)
    }
    if hasDeleteConflict { result.append((Field.deleted, .delete)) }
    return result.sorted { $0.field < $1.field }
  }

  /// The rows of the `conflicts` table: each open conflict (kind `value` or `delete`), then
  /// each automatic merge (kind `merged`), by field. A deleted record lists nothing.
  var listed: [(field: String, kind: String)] {
    // Nearly every record: nothing in conflict, merged or deleted (checked without sorting).
    guard !conflictedFields.isEmpty || !mergedFields.isEmpty || registers[Field.deleted] != nil
    else { return [] }
    guard !isDeleted else { return [] }
    let merges = mergedFields.sorted().map { (field: $0, kind: RecordState.mergedKind) }
    return conflicts.map { (field: $0.field, kind: $0.kind.rawValue) } + merges
  }

  /// The `conflicts` table's kind for an automatic merge, which is not a conflict.
  static let mergedKind = "merged"

  /// The head whose value `field` shows.
  func winner(_ field: String) -> Head? { registers[field]?.first }

  /// The `pred` a new `set` of `field` must carry: every current value.
  func currentDots(_ field: String) -> [Dot] { (registers[field] ?? []).map(\.dot).sorted() }

  /// Present tags as shown: in NFC, sorted by code point (`EntityState.shownTags`).
  var tags: [String] { EntityState.shownTags(tagAdditions.keys) }

  /// Merges one change new to the log (never a duplicate).
  ///
  /// The fields touched are kept in a small array, not a set, and nothing is looked up in a
  /// collection that is empty: every change of every merge comes through here, and hashing
  /// field names showed in the profile.
  mutating func apply(_ change: Change, lookup: some ChangeLookup) throws {
    var touched: [String] = []
    func touch(_ field: String) { if !touched.contains(field) { touched.append(field) } }
    latestSeqs[change.site, default: 0].raise(to: change.seq)
    let bornSuperseded =
      !pendingSuperseded.isEmpty && pendingSuperseded.remove(change.dot) != nil
    for dot in change.pred {
      if let field = removeCurrent(dot) {
        touch(field)
      } else if !lookup.hasArrived(dot) {
        pendingSuperseded.insert(dot)
      }
    }
    if !bornSuperseded {
      switch change.op {
      case .set:
        let head = Head(change)
        registers[change.field, default: []].insertInOrder(head)
        touch(change.field)
      case .add:
        if change.field == Field.tags, let tag = change.value?.stringValue {
          tagAdditions[tag, default: []].append(change.dot)
          tagAdditions[tag]?.sort()
          touch(Field.tags)
        }
      case .remove: break
      }
    } else if change.op == .set, (registers[change.field]?.count ?? 0) > 1 {
      // A change that arrives superseded may be an ancestor that a merge base walk was
      // waiting for.
      touch(change.field)
    }
    if touched.contains(Field.deleted) {
      try recomputeDelete(of: change.entity, lookup: lookup)
    } else if change.field != Field.deleted, let context = deleteContext,
      !context.covers(change.dot)
    {
      editsConcurrentWithDelete.insert(change.dot)
    }
    for field in touched where field != Field.tags {
      try recheckConflict(field, applying: change, lookup: lookup)
    }
  }

  /// Removes a current change named in a `pred`; returns its field, or nil if `dot` was
  /// not current.
  private mutating func removeCurrent(_ dot: Dot) -> String? {
    for (field, heads) in registers {
      guard let index = heads.firstIndex(where: { $0.dot == dot }) else { continue }
      var remaining = heads
      remaining.remove(at: index)
      registers[field] = remaining.isEmpty ? nil : remaining
      return field
    }
    for (tag, additions) in tagAdditions {
      guard let index = additions.firstIndex(of: dot) else { continue }
      var remaining = additions
      remaining.remove(at: index)
      tagAdditions[tag] = remaining.isEmpty ? nil : remaining
      return Field.tags
    }
    return nil
  }

  /// Computes again whether `field`'s current values differ, and if so whether they merge.
  mutating func recheckConflict(
    _ field: String, applying change: Change? = nil, lookup: some ChangeLookup
  ) throws {
    if !conflictedFields.isEmpty { conflictedFields.remove(field) }
    if !mergedFields.isEmpty { mergedFields.remove(field) }
    if !freshMerges.isEmpty { freshMerges[field] = nil }
    guard let heads = registers[field], heads.count > 1 else { return }
    let changes = try heads.map { try lookup.change($0.dot) }
    guard Set(changes.map(\.value)).count > 1 else { return }
    if TextMerge.fields.contains(field),
      let merge = AutomaticMerge.merging(
        heads: changes, base: try RecordState.base(of: changes, applying: change, lookup: lookup))
    {
      mergedFields.insert(field)
      freshMerges[field] = merge.value
    } else {
      conflictedFields.insert(field)
    }
  }

  /// The common base of a field's current changes, read from the log (`MergeBase`); the
  /// change being applied counts as arrived.
  static func base(
    of heads: [Change], applying change: Change? = nil, lookup: some ChangeLookup
  ) throws -> Change? {
    try MergeBase.find(of: heads) { dot in
      if dot == change?.dot { return change }
      return lookup.hasArrived(dot) ? try lookup.change(dot) : nil
    }
  }

  /// The current deletes changed: their merged context, and every change to another field
  /// it does not cover. Only the sites whose latest change to this record lies beyond the
  /// context are read back.
  private mutating func recomputeDelete(of entity: EntityRef, lookup: some ChangeLookup) throws {
    let deletes = (registers[Field.deleted] ?? []).filter(\.isDelete)
    guard !deletes.isEmpty else {
      deleteContext = nil
      editsConcurrentWithDelete = []
      return
    }
    var context = VersionVector()
    for head in deletes {
      context = context.merged(with: try lookup.change(head.dot).context ?? VersionVector())
    }
    deleteContext = context
    var concurrent = Set<Dot>()
    for (site, latest) in latestSeqs where latest > context[site] {
      for change in try lookup.changes(of: entity, site: site, seqs: (context[site] + 1)...latest)
      where change.field != Field.deleted {
        concurrent.insert(change.dot)
      }
    }
    editsConcurrentWithDelete = concurrent
  }
}

extension [Head] {
  /// Inserts `head` before the first head that precedes it, keeping the greatest first.
  fileprivate mutating func insertInOrder(_ head: Head) {
    insert(head, at: firstIndex { Head.precedes($0, head) } ?? endIndex)
  }
}

extension Int {
  /// Sets self to `other` when `other` is greater (in place: one dictionary lookup).
  fileprivate mutating func raise(to other: Int) { self = Swift.max(self, other) }
}
