import FolioModel
import Foundation
import Testing

@testable import FolioReplica

/// Property: the merge state a replica persists, change by change, is what the pure rules
/// (`EntityState`) compute from the record's whole history: the same current changes per
/// field, the same live tag additions, the same deletes and concurrent edits, the same
/// conflicts. Histories are random (registers, tags, deletes, restores, concurrent writers,
/// partial exchanges, notes edited word by word so that concurrent edits both merge and
/// collide), and they reach the replica in random order, duplicated, in random pieces, so
/// changes often arrive before the ones they supersede.
///
/// A failing case names its number; rerun it alone with
/// `FOLIO_ORACLE_CASE=N swift test --filter RecordStateOracleTests`.
@Suite struct RecordStateOracleTests {
  static let caseCount = 1_000
  static let shardCount = 4

  @Test(arguments: 0..<shardCount)
  func persistedStateMatchesThePureRules(shard: Int) throws {
    let only = ProcessInfo.processInfo.environment["FOLIO_ORACLE_CASE"].flatMap { Int($0) }
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var merges = 0
    var noteConflicts = 0
    for number in stride(from: shard, to: Self.caseCount, by: Self.shardCount) {
      if let only, only != number { continue }
      var history = RandomHistory(seed: 0x0AC1_E000 ^ UInt64(number))
      let changes = history.play(steps: 12 + number % 30)
      let replica = try Replica.create(at: directory.file("case-\(number)"), author: "oracle")
      for piece in history.deliveries(of: changes) { _ = try replica.applyRemote(piece) }
      let expected = EntityState(entity: RandomHistory.entity, changes: changes)
      let problems = try compare(replica, with: expected)
      #expect(problems.isEmpty, "case \(number): \(problems.joined(separator: "; "))")
      if expected.automaticMerges[Field.note] != nil { merges += 1 }
      if expected.conflicts.contains(where: { $0.field == Field.note }) { noteConflicts += 1 }
    }
    if only == nil {
      // Both outcomes of concurrent text edits must be exercised, not only one.
      #expect(merges >= 5, "only \(merges) cases end with merged notes")
      #expect(noteConflicts >= 20, "only \(noteConflicts) cases end with a note conflict")
    }
  }

  private func compare(_ replica: Replica, with expected: EntityState) throws -> [String] {
    guard let row = try replica.loadRow(RandomHistory.entity) else { return ["no row"] }
    let state = row.state
    var problems: [String] = []
    let fields = Set(state.registers.keys).union(expected.registers.keys)
    for field in fields.sorted() {
      let persisted = (state.registers[field] ?? []).map(\.dot)
      let pure = (expected.registers[field] ?? []).map(\.dot)
      if persisted != pure { problems.append("\(field): \(persisted) vs \(pure)") }
    }
    if state.tagAdditions != expected.tagAdditions {
      problems.append("tags: \(state.tagAdditions) vs \(expected.tagAdditions)")
    }
    if state.isDeleted != expected.isDeleted { problems.append("isDeleted differs") }
    let concurrent = Set(expected.editsConcurrentWithDelete.map(\.dot))
    if state.editsConcurrentWithDelete != concurrent {
      problems.append("concurrent edits: \(state.editsConcurrentWithDelete) vs \(concurrent)")
    }
    let persistedConflicts = try replica.conflicts().map {
      let conflict = $0.conflict
      return "\(conflict.field)/\(conflict.kind.rawValue)/\(conflict.versions.map(\.dot))"
        + "/\(conflict.base?.dot.description ?? "-")"
    }
    let pureConflicts = expected.conflicts.map {
      "\($0.field)/\($0.kind.rawValue)/\($0.versions.map(\.dot))/\($0.base?.dot.description ?? "-")"
    }
    if persistedConflicts != pureConflicts {
      problems.append("conflicts: \(persistedConflicts) vs \(pureConflicts)")
    }
    if try replica.conflictCount() != pureConflicts.count { problems.append("conflictCount") }
    let persistedMerges = try replica.automaticMerges().map {
      "\($0.merge.field)/\($0.merge.base.dot)/\($0.merge.versions.map(\.dot))/\($0.merge.value)"
    }
    let pureMerges =
      expected.isDeleted
      ? []
      : expected.automaticMerges.values.sorted { $0.field < $1.field }.map {
        "\($0.field)/\($0.base.dot)/\($0.versions.map(\.dot))/\($0.value)"
      }
    if persistedMerges != pureMerges {
      problems.append("merges: \(persistedMerges) vs \(pureMerges)")
    }
    if row.text(Field.note) != expected.string(Field.note) {
      problems.append(
        "note shows \(row.text(Field.note) ?? "nil"), expected \(expected.string(Field.note) ?? "nil")"
      )
    }
    return problems
  }
}

/// Three writers editing one annotation, each from what it has seen, exchanging partially.
struct RandomHistory {
  static let entity = EntityRef.annotation("0123456789abcdef0123456789abcdef")
  private static let notes: [JSONValue] = [
    "the quick brown fox jumps over the lazy dog", "rates rose by 70% as expected", "a b c",
  ]
  private static let words = ["red", "slow", "cat", "fell", "60%", "not", "—", "très"]
  private static let colors: [JSONValue] = ["yellow", "green"]
  private static let tags = ["x", "y"]

  private var random: SplitMix64
  private let sites: [SiteID]
  private var known: [[Change]]
  private var nextSeq: [Int]
  private var milliseconds: UInt64

  init(seed: UInt64) {
    random = SplitMix64(seed: seed)
    var siteRandom = SplitMix64(seed: seed ^ 0x5175)
    sites = (0..<3).map { _ in SiteID.random(using: &siteRandom) }
    known = [[], [], []]
    nextSeq = [1, 1, 1]
    milliseconds = UInt64(Date().timeIntervalSince1970 * 1000) - 60_000
  }

  /// Makes the history; returns every change made.
  mutating func play(steps: Int) -> [Change] {
    let target: JSONValue = .object(["article": "a1b2c3d4e5f60718", "kind": "note"])
    let first = make(writer: 0, field: Field.target, op: .set, value: target, pred: [])
    for writer in 1..<3 { known[writer].append(first) }
    for _ in 0..<steps {
      let writer = Int(random.next() % 3)
      let state = EntityState(entity: Self.entity, changes: known[writer])
      switch random.next() % 9 {
      case 0, 1:
        _ = make(
          writer: writer, field: Field.note, op: .set, value: editedNote(state),
          pred: state.currentDots(Field.note))
      case 2:
        _ = make(
          writer: writer, field: Field.color, op: .set, value: pick(Self.colors),
          pred: state.currentDots(Field.color))
      case 3:
        let tag = Self.tags[Int(random.next() % 2)]
        _ = make(
          writer: writer, field: Field.tags, op: .add, value: .string(tag),
          pred: state.tagAdditions[tag] ?? [])
      case 4:
        let tag = Self.tags[Int(random.next() % 2)]
        if let additions = state.tagAdditions[tag] {
          _ = make(writer: writer, field: Field.tags, op: .remove, value: nil, pred: additions)
        }
      case 5:
        var context = VersionVector()
        for change in known[writer] where change.seq > context[change.site] {
          context[change.site] = change.seq
        }
        _ = make(
          writer: writer, field: Field.deleted, op: .set, value: .bool(true),
          pred: state.currentDots(Field.deleted), context: context)
      case 6:
        _ = make(
          writer: writer, field: Field.deleted, op: .set, value: .bool(false),
          pred: state.currentDots(Field.deleted))
      default:
        let source = Int(random.next() % 3)
        for change in known[source] where random.next() % 3 != 0 {
          if !known[writer].contains(change) { known[writer].append(change) }
        }
      }
    }
    if random.next() % 2 == 0 {
      // A last burst of concurrent note edits, each from what its writer has seen.
      for writer in 0..<3 where random.next() % 3 != 0 {
        let state = EntityState(entity: Self.entity, changes: known[writer])
        _ = make(
          writer: writer, field: Field.note, op: .set, value: editedNote(state),
          pred: state.currentDots(Field.note))
      }
    }
    var all: [Dot: Change] = [:]
    for changes in known { for change in changes { all[change.dot] = change } }
    return all.values.sorted { $0.dot < $1.dot }
  }

  /// The changes in a random order, some twice, cut into random pieces.
  mutating func deliveries(of changes: [Change]) -> [[Change]] {
    var order = changes + changes.filter { _ in random.next() % 5 == 0 }
    for index in order.indices.reversed() {
      order.swapAt(index, Int(random.next() % UInt64(index + 1)))
    }
    var pieces: [[Change]] = []
    while !order.isEmpty {
      let size = 1 + Int(random.next() % 6)
      pieces.append(Array(order.prefix(size)))
      order.removeFirst(min(size, order.count))
    }
    return pieces
  }

  /// Mostly one word edit of the note the writer sees (replace, insert, delete, or widen
  /// the space after a word), sometimes a new text.
  private mutating func editedNote(_ state: EntityState) -> JSONValue {
    guard let current = state.string(Field.note), random.next() % 8 != 0 else {
      return pick(Self.notes)
    }
    var words = current.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    let index = Int(random.next() % UInt64(words.count))
    let word = Self.words[Int(random.next() % UInt64(Self.words.count))]
    switch random.next() % 4 {
    case 0: words[index] = word
    case 1: words.insert(word, at: index)
    case 2: if words.count > 1 { words.remove(at: index) } else { words[index] = word }
    default: words[index] += " "
    }
    return .string(words.joined(separator: " "))
  }

  private mutating func pick(_ values: [JSONValue]) -> JSONValue {
    values[Int(random.next() % UInt64(values.count))]
  }

  private mutating func make(
    writer: Int, field: String, op: ChangeOp, value: JSONValue?, pred: [Dot],
    context: VersionVector? = nil
  ) -> Change {
    // Clocks grow along pred, as a hybrid clock makes them (every change here is made after
    // every change its writer knows).
    milliseconds += 1 + random.next() % 3
    let change = Change(
      site: sites[writer], seq: nextSeq[writer],
      hlc: HybridTimestamp(milliseconds: milliseconds, counter: UInt16(writer)),
      author: "writer\(writer)", entity: Self.entity, field: field, op: op, value: value,
      pred: pred, context: context)
    nextSeq[writer] += 1
    known[writer].append(change)
    return change
  }
}
