/// The merged state of one record: a pure function of the set of changes made to it.
///
/// - Registers are multi-value: the current values of a field are its `set` changes that
///   no change lists in `pred`. The value shown is the greatest by (hlc, site, seq);
///   several different current values are a conflict. Equal values are not.
/// - Different current values of a text field (`TextMerge.fields`) that have a common base
///   (`MergeBase`) and whose word-level edits of it do not collide merge: the field shows the
///   merged text and no conflict is listed (`automaticMerges`).
/// - Tags are an observed-remove set: an `add` is present until a `remove` names it.
/// - A delete is a `set` of `deleted` to true with a `context`. A change to the record that
///   no current delete's context covers was concurrent with it: the record stays visible
///   and a delete conflict is listed.
public struct EntityState: Equatable, Sendable {
  public let entity: EntityRef
  /// Current changes per register field, greatest first.
  public let registers: [String: [Change]]
  /// Present tags, each with the additions that keep it present.
  public let tagAdditions: [String: [Dot]]
  /// Changes concurrent with a current delete (empty when there is no delete).
  public let editsConcurrentWithDelete: [Change]
  /// Text fields whose different current values merged cleanly, by field.
  public let automaticMerges: [String: AutomaticMerge]
  /// The common base of each field whose current values differ and did not merge.
  public let conflictBases: [String: Change]

  /// Merges the changes of one record. Order and duplicates do not matter.
  ///
  /// - Parameters:
  ///   - entity: The record.
  ///   - changes: Every known change whose `entity` is this record.
  public init(entity: EntityRef, changes: some Sequence<Change>) {
    self.entity = entity
    var unique: [Dot: Change] = [:]
    var superseded = Set<Dot>()
    for change in changes where change.entity == entity {
      unique[change.dot] = change
      superseded.formUnion(change.pred)
    }
    var registers: [String: [Change]] = [:]
    var tagAdditions: [String: [Dot]] = [:]
    for change in unique.values where !superseded.contains(change.dot) {
      switch change.op {
      case .set: registers[change.field, default: []].append(change)
      case .add:
        if change.field == Field.tags, let tag = change.value?.stringValue {
          tagAdditions[tag, default: []].append(change.dot)
        }
      case .remove: break
      }
    }
    for field in registers.keys {
      registers[field]?.sort { Change.precedes($1, $0) }
    }
    self.registers = registers
    self.tagAdditions = tagAdditions.mapValues { $0.sorted() }

    var merges: [String: AutomaticMerge] = [:]
    var bases: [String: Change] = [:]
    for (field, heads) in registers where field != Field.deleted {
      guard Set(heads.map(\.value)).count > 1 else { continue }
      let base = MergeBase.find(of: heads) { unique[$0] }
      if let merge = AutomaticMerge.merging(heads: heads, base: base) {
        merges[field] = merge
      } else if let base {
        bases[field] = base
      }
    }
    automaticMerges = merges
    conflictBases = bases

    let deletes = (registers[Field.deleted] ?? []).filter(\.isDelete)
    if deletes.isEmpty {
      editsConcurrentWithDelete = []
    } else {
      let seen = deletes.reduce(VersionVector()) { $0.merged(with: $1.context ?? VersionVector()) }
      editsConcurrentWithDelete = unique.values
        .filter { $0.field != Field.deleted && !seen.covers($0.dot) }
        .sorted { Change.precedes($1, $0) }
    }
  }

  /// Present tags as shown (`merge-rules.md` §5): in NFC, sorted by code point.
  public var tags: [String] { EntityState.shownTags(tagAdditions.keys) }

  /// Tags as `merge-rules.md` §5 shows them: each in NFC (canonically equivalent spellings
  /// are one tag, so the spelling shown cannot depend on which addition arrived first), sorted
  /// by code point (the order of their UTF-8 bytes).
  public static func shownTags(_ tags: some Sequence<String>) -> [String] {
    // `_nfcCodeUnits` is the standard library's NFC, the normalization String's `==` uses.
    tags.map { String(decoding: $0._nfcCodeUnits, as: UTF8.self) }
      .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }

  /// The value shown for `field`: the merged text, or else the greatest current value.
  public func value(_ field: String) -> JSONValue? {
    if let merge = automaticMerges[field] { return .string(merge.value) }
    return registers[field]?.first?.value
  }

  /// The string shown for `field`, or nil.
  public func string(_ field: String) -> String? { value(field)?.stringValue }

  /// True when the record has any current value (it has been created).
  public var exists: Bool { !registers.isEmpty || !tagAdditions.isEmpty }

  /// True when a delete stands with no concurrent edit and no concurrent restore.
  public var isDeleted: Bool {
    guard let heads = registers[Field.deleted], !heads.isEmpty else { return false }
    return heads.allSatisfy(\.isDelete) && editsConcurrentWithDelete.isEmpty
  }

  /// Every open conflict on this record, by field name.
  public var conflicts: [Conflict] {
    // A deleted record shows nothing, so it has nothing to choose between; its value
    // conflicts come back if it is restored.
    guard !isDeleted else { return [] }
    var result: [Conflict] = []
    for (field, heads) in registers where field != Field.deleted && automaticMerges[field] == nil {
      if Set(heads.map(\.value)).count > 1 {
        result.append(
          Conflict(
            entity: entity, field: field, kind: .value, versions: heads,
            base: conflictBases[field]))
      }
    }
    if let deleteHeads = registers[Field.deleted], deleteHeads.contains(where: \.isDelete) {
      let mixed = deleteHeads.contains { !$0.isDelete }
      if mixed || !editsConcurrentWithDelete.isEmpty {
        result.append(
          Conflict(
            entity: entity, field: Field.deleted, kind: .delete,
            versions: deleteHeads + editsConcurrentWithDelete))
      }
    }
    return result.sorted { $0.field < $1.field }
  }

  /// The `pred` a new `set` of `field` must carry: every current value.
  public func currentDots(_ field: String) -> [Dot] {
    (registers[field] ?? []).map(\.dot).sorted()
  }
}
