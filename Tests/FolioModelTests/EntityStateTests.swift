import FolioModel
import Foundation
import Testing

/// Builds changes for the pure merge rules with fixed sites and clocks.
private enum Fixture {
  static let siteA = site("a")
  static let siteB = site("b")
  static let siteC = site("c")
  static let note = EntityRef.annotation("018bcfe56800a1b2c3d4e5f60718293a")
  static let other = EntityRef.annotation("018bcfe56801f0e1d2c3b4a596877869")
  static let baseMilliseconds: UInt64 = 1_700_000_000_000

  static func site(_ digit: Character) -> SiteID {
    SiteID(rawValue: String(repeating: digit, count: 32)) ?? SiteID.random()
  }

  static func hlc(_ offset: UInt64, _ counter: UInt16 = 0) -> HybridTimestamp {
    HybridTimestamp(milliseconds: baseMilliseconds + offset, counter: counter)
  }

  static func author(_ site: SiteID) -> String {
    switch site {
    case siteA: return "alice"
    case siteB: return "bob"
    default: return "carol"
    }
  }

  static func set(
    _ site: SiteID, _ seq: Int, at time: UInt64, _ field: String, _ value: JSONValue,
    pred: [Dot] = [], entity: EntityRef = note
  ) -> Change {
    Change(
      site: site, seq: seq, hlc: hlc(time), author: author(site), entity: entity, field: field,
      op: .set, value: value, pred: pred)
  }

  static func add(
    _ site: SiteID, _ seq: Int, at time: UInt64, _ tag: String, pred: [Dot] = [],
    entity: EntityRef = note
  ) -> Change {
    Change(
      site: site, seq: seq, hlc: hlc(time), author: author(site), entity: entity,
      field: Field.tags, op: .add, value: .string(tag), pred: pred)
  }

  static func remove(
    _ site: SiteID, _ seq: Int, at time: UInt64, _ pred: [Dot], entity: EntityRef = note
  ) -> Change {
    Change(
      site: site, seq: seq, hlc: hlc(time), author: author(site), entity: entity,
      field: Field.tags, op: .remove, pred: pred)
  }

  static func delete(
    _ site: SiteID, _ seq: Int, at time: UInt64, context: VersionVector, pred: [Dot] = [],
    entity: EntityRef = note
  ) -> Change {
    Change(
      site: site, seq: seq, hlc: hlc(time), author: author(site), entity: entity,
      field: Field.deleted, op: .set, value: .bool(true), pred: pred, context: context)
  }
}

private func dot(_ site: SiteID, _ seq: Int) -> Dot { Dot(site: site, seq: seq) }

// MARK: - Registers, tags and deletes

@Suite("EntityState")
struct EntityStateTests {
  private typealias F = Fixture

  @Test func noChangesMeansNoRecord() {
    let state = EntityState(entity: F.note, changes: [])
    #expect(!state.exists)
    #expect(!state.isDeleted)
    #expect(state.conflicts.isEmpty)
    #expect(state.tags.isEmpty)
    #expect(state.value(Field.note) == nil)
  }

  @Test func changesOfOtherRecordsAreIgnored() {
    let changes = [
      F.set(F.siteA, 1, at: 0, Field.note, "mine"),
      F.set(F.siteB, 1, at: 1, Field.note, "theirs", entity: F.other),
      F.add(F.siteB, 2, at: 2, "elsewhere", entity: F.other),
    ]
    let state = EntityState(entity: F.note, changes: changes)
    #expect(state.string(Field.note) == "mine")
    #expect(state.tags.isEmpty)
    #expect(state.conflicts.isEmpty)
  }

  @Test func predSupersedesWhateverTheClocks() {
    let old = F.set(F.siteA, 1, at: 10, Field.note, "old")
    let new = F.set(F.siteB, 1, at: 5, Field.note, "new", pred: [old.dot])
    let state = EntityState(entity: F.note, changes: [new, old])
    #expect(state.string(Field.note) == "new")
    #expect(state.registers[Field.note]?.map(\.dot) == [new.dot])
    #expect(state.conflicts.isEmpty)
  }

  @Test func winnerIsGreatestHLCThenSiteThenSeq() throws {
    let a = F.set(F.siteA, 1, at: 7, Field.note, "a")
    let b = F.set(F.siteB, 1, at: 5, Field.note, "b")
    let c = F.set(F.siteC, 1, at: 5, Field.note, "c")
    #expect(EntityState(entity: F.note, changes: [a, b, c]).string(Field.note) == "a")
    #expect(EntityState(entity: F.note, changes: [b, c]).string(Field.note) == "c")
    #expect(Change.precedes(b, c) && !Change.precedes(c, b))
    var laterSeq = b
    laterSeq.seq = 2
    #expect(Change.precedes(b, laterSeq))
    let conflict = try #require(EntityState(entity: F.note, changes: [a, b, c]).conflicts.first)
    #expect(conflict.versions.map(\.dot) == [a.dot, c.dot, b.dot])
    #expect(conflict.kind == .value)
    #expect(conflict.field == Field.note)
  }

  @Test func equalConcurrentValuesAreNotAConflict() {
    let a = F.set(F.siteA, 1, at: 1, Field.color, "green")
    let b = F.set(F.siteB, 1, at: 2, Field.color, "green")
    let state = EntityState(entity: F.note, changes: [a, b])
    #expect(state.conflicts.isEmpty)
    #expect(state.currentDots(Field.color) == [a.dot, b.dot])
  }

  @Test func resolutionNamingEveryCurrentValueEndsTheConflict() {
    let a = F.set(F.siteA, 1, at: 1, Field.note, "a")
    let b = F.set(F.siteB, 1, at: 2, Field.note, "b")
    let before = EntityState(entity: F.note, changes: [a, b])
    #expect(before.conflicts.count == 1)
    let pick = F.set(F.siteC, 1, at: 3, Field.note, "a", pred: before.currentDots(Field.note))
    let after = EntityState(entity: F.note, changes: [a, b, pick])
    #expect(after.conflicts.isEmpty)
    #expect(after.string(Field.note) == "a")
    let partial = F.set(F.siteC, 1, at: 3, Field.note, "a", pred: [b.dot])
    #expect(
      EntityState(entity: F.note, changes: [a, b, partial]).conflicts.isEmpty,
      "the remaining current values are equal")
    let other = F.set(F.siteC, 1, at: 3, Field.note, "c", pred: [b.dot])
    #expect(EntityState(entity: F.note, changes: [a, b, other]).conflicts.count == 1)
  }

  @Test func deletedFieldNeverMakesAValueConflict() {
    let target = F.set(F.siteA, 1, at: 0, Field.target, .object(["kind": "note"]))
    let delete = F.delete(F.siteA, 2, at: 5, context: VersionVector([F.siteA: 1]))
    let restore = F.set(F.siteB, 1, at: 6, Field.deleted, .bool(false))
    let state = EntityState(entity: F.note, changes: [target, delete, restore])
    #expect(state.conflicts.map(\.kind) == [.delete], "a delete conflict, not a value conflict")
    #expect(state.conflicts.first?.versions.map(\.dot) == [restore.dot, delete.dot])
    #expect(!state.isDeleted)
    let restoredTwice = EntityState(
      entity: F.note,
      changes: [target, restore, F.set(F.siteC, 1, at: 7, Field.deleted, .bool(false))])
    #expect(restoredTwice.conflicts.isEmpty)
  }

  @Test func tagsAreAnObservedRemoveSet() {
    let first = F.add(F.siteA, 1, at: 1, "urgent")
    let second = F.add(F.siteB, 1, at: 2, "urgent")
    let removeFirst = F.remove(F.siteC, 1, at: 3, [first.dot])
    var state = EntityState(entity: F.note, changes: [first, second, removeFirst])
    #expect(state.tags == ["urgent"])
    #expect(state.tagAdditions["urgent"] == [second.dot])
    let removeBoth = F.remove(F.siteC, 2, at: 4, [first.dot, second.dot])
    state = EntityState(entity: F.note, changes: [first, second, removeFirst, removeBoth])
    #expect(state.tags.isEmpty)
    #expect(state.exists == false, "only removed tags: nothing current")
  }

  @Test func deleteCoveringEverythingDeletes() {
    let target = F.set(F.siteA, 1, at: 0, Field.target, .object(["kind": "note"]))
    let edit = F.set(F.siteB, 1, at: 1, Field.note, "n")
    let delete = F.delete(
      F.siteC, 1, at: 2, context: VersionVector([F.siteA: 1, F.siteB: 1]))
    let state = EntityState(entity: F.note, changes: [target, edit, delete])
    #expect(state.isDeleted)
    #expect(state.exists)
    #expect(state.conflicts.isEmpty)
    #expect(state.editsConcurrentWithDelete.isEmpty)
  }

  @Test func contextCoversBySeq() {
    let target = F.set(F.siteA, 1, at: 0, Field.target, .object(["kind": "note"]))
    let early = F.set(F.siteA, 3, at: 1, Field.note, "covered")
    let late = F.set(F.siteA, 5, at: 3, Field.color, "blue")
    let delete = F.delete(F.siteB, 1, at: 2, context: VersionVector([F.siteA: 4]))
    let state = EntityState(entity: F.note, changes: [target, early, late, delete])
    #expect(!state.isDeleted)
    #expect(state.editsConcurrentWithDelete.map(\.dot) == [late.dot])
    #expect(state.conflicts.map(\.kind) == [.delete])
    #expect(state.conflicts.first?.versions.map(\.dot) == [delete.dot, late.dot])
  }

  @Test func deleteWithoutContextTreatsEveryEditAsConcurrent() {
    let target = F.set(F.siteA, 1, at: 0, Field.target, .object(["kind": "note"]))
    let delete = Change(
      site: F.siteB, seq: 1, hlc: F.hlc(2), author: "bob", entity: F.note,
      field: Field.deleted, op: .set, value: .bool(true))
    let state = EntityState(entity: F.note, changes: [target, delete])
    #expect(!state.isDeleted)
    #expect(state.conflicts.map(\.kind) == [.delete])
  }

  @Test func restoreAndConfirmSettleADeleteConflict() {
    let target = F.set(F.siteA, 1, at: 0, Field.target, .object(["kind": "note"]))
    let delete = F.delete(F.siteB, 1, at: 2, context: VersionVector([F.siteA: 1]))
    let edit = F.set(F.siteA, 2, at: 3, Field.note, "still here")
    let open = EntityState(entity: F.note, changes: [target, delete, edit])
    #expect(!open.isDeleted)
    #expect(open.conflicts.first?.kind == .delete)
    #expect(open.conflicts.first?.id == Conflict.id(entity: F.note, field: Field.deleted))

    let restore = F.set(
      F.siteC, 1, at: 4, Field.deleted, .bool(false), pred: open.currentDots(Field.deleted))
    let restored = EntityState(entity: F.note, changes: [target, delete, edit, restore])
    #expect(!restored.isDeleted && restored.conflicts.isEmpty)

    let confirm = F.delete(
      F.siteB, 2, at: 4, context: VersionVector([F.siteA: 2, F.siteB: 1]),
      pred: open.currentDots(Field.deleted))
    let confirmed = EntityState(entity: F.note, changes: [target, delete, edit, confirm])
    #expect(confirmed.isDeleted && confirmed.conflicts.isEmpty)

    let both = EntityState(entity: F.note, changes: [target, delete, edit, restore, confirm])
    #expect(!both.isDeleted)
    #expect(both.conflicts.map(\.kind) == [.delete], "restore concurrent with confirm")
  }

  @Test func conflictIDIsFirstSixteenHexOfSHA256() {
    let entity = EntityRef.article("3f2a9c1e5b7d8046")
    let expected = String(SHA256.hexDigest("article/3f2a9c1e5b7d8046/title").prefix(16))
    #expect(Conflict.id(entity: entity, field: Field.title) == expected)
    #expect(expected.count == 16)
    #expect(SHA256.hexDigest("abc").hasPrefix("ba7816bf"))
  }

  @Test func stateIsAFunctionOfTheSetOfChanges() {
    let changes = [
      F.set(F.siteA, 1, at: 0, Field.target, .object(["kind": "note"])),
      F.set(F.siteA, 2, at: 1, Field.note, "a"),
      F.set(F.siteB, 1, at: 2, Field.note, "b", pred: [dot(F.siteA, 2)]),
      F.set(F.siteC, 1, at: 2, Field.note, "c", pred: [dot(F.siteA, 2)]),
      F.add(F.siteA, 3, at: 3, "x"),
      F.remove(F.siteB, 2, at: 4, [dot(F.siteA, 3)]),
      F.add(F.siteC, 2, at: 4, "x"),
      F.delete(F.siteB, 3, at: 5, context: VersionVector([F.siteA: 3, F.siteB: 2])),
    ]
    let reference = EntityState(entity: F.note, changes: changes)
    var generator = SplitMix64(seed: 42)
    for _ in 0..<50 {
      let shuffled = (changes + changes.prefix(3)).shuffled(using: &generator)
      #expect(EntityState(entity: F.note, changes: shuffled) == reference)
    }
  }

  // MARK: Defects found while writing these tests (see the merge report)

  /// BUG: a deleted record keeps listing its value conflicts. Nobody can see the record, and
  /// resolving the conflict writes a `set` the delete's context does not cover, which brings
  /// the record back as a delete conflict.
  @Test func deletedRecordListsNoValueConflict() {
    let target = F.set(F.siteA, 1, at: 0, Field.target, .object(["kind": "note"]))
    let a = F.set(F.siteA, 2, at: 1, Field.note, "a")
    let b = F.set(F.siteB, 1, at: 1, Field.note, "b")
    let delete = F.delete(F.siteC, 1, at: 2, context: VersionVector([F.siteA: 2, F.siteB: 1]))
    let state = EntityState(entity: F.note, changes: [target, a, b, delete])
    #expect(state.isDeleted)
    #expect(state.conflicts.isEmpty, "a deleted record should list no conflict")
  }

  /// BUG: an `add` (or `remove`) on a field other than `tags` passes validation, and
  /// `EntityState` then counts its value as a tag.
  @Test func setOperationsOnlyOnTags() {
    let stray = Change(
      site: F.siteA, seq: 1, hlc: F.hlc(0), author: "alice", entity: F.note, field: Field.color,
      op: .add, value: "red")
    #expect(throws: InvalidChange.self) { try stray.validate() }
    #expect(EntityState(entity: F.note, changes: [stray]).tags.isEmpty)
  }
}

// MARK: - Hybrid clock

@Suite("HybridClock")
struct HybridClockTests {
  @Test func tickFollowsTheWallClock() {
    var clock = HybridClock()
    #expect(clock.tick(now: 1_000) == HybridTimestamp(milliseconds: 1_000, counter: 0))
    #expect(clock.tick(now: 1_005) == HybridTimestamp(milliseconds: 1_005, counter: 0))
    #expect(clock.tick(now: 1_005) == HybridTimestamp(milliseconds: 1_005, counter: 1))
  }

  @Test func tickIsMonotonicWhenTheWallClockGoesBackwards() {
    var clock = HybridClock()
    var previous = clock.tick(now: 10_000)
    for now: UInt64 in [9_000, 5, 10_000, 9_999, 0, 10_001, 10_001, 3] {
      let next = clock.tick(now: now)
      #expect(next > previous, "tick at \(now) went back: \(next) after \(previous)")
      previous = next
    }
    #expect(previous == HybridTimestamp(milliseconds: 10_001, counter: 2))
  }

  @Test func counterOverflowMovesToTheNextMillisecond() {
    let full = HybridTimestamp(milliseconds: 2_000, counter: .max)
    var clock = HybridClock(latest: full)
    let next = clock.tick(now: 2_000)
    #expect(next == HybridTimestamp(milliseconds: 2_001, counter: 0))
    #expect(next > full)
    var behind = HybridClock(latest: full)
    #expect(behind.tick(now: 1) == HybridTimestamp(milliseconds: 2_001, counter: 0))
  }

  @Test func tickAfterObservingIsGreaterThanTheRemoteReading() throws {
    var clock = HybridClock()
    let remote = HybridTimestamp(milliseconds: 5_000, counter: 7)
    clock.observe(remote, now: 4_000)
    #expect(clock.latest == remote)
    #expect(clock.tick(now: 4_000) == HybridTimestamp(milliseconds: 5_000, counter: 8))
    clock.observe(HybridTimestamp(milliseconds: 10, counter: 0), now: 4_000)
    #expect(clock.latest == HybridTimestamp(milliseconds: 5_000, counter: 8), "never goes back")
  }

  @Test func observeTakesAReadingFarAheadOnlyUpToTheTolerance() {
    let now: UInt64 = 1_700_000_000_000
    let limit = now + 5 * 60 * 1000
    #expect(HybridClock.defaultTolerance == 300_000)
    var clock = HybridClock()
    clock.observe(HybridTimestamp(milliseconds: limit - 1, counter: 9), now: now)
    #expect(clock.latest == HybridTimestamp(milliseconds: limit - 1, counter: 9))

    var fresh = HybridClock()
    fresh.observe(HybridTimestamp(milliseconds: now + 86_400_000, counter: 0), now: now)
    #expect(fresh.latest == HybridTimestamp(milliseconds: limit, counter: 0), "never refused")
    #expect(fresh.tick(now: now) == HybridTimestamp(milliseconds: limit, counter: 1))
  }

  @Test func aClockPutRightFromAheadForgetsItsFutureReadings() {
    let now: UInt64 = 1_700_000_000_000
    let dayAhead = now + 86_400_000
    var clock = HybridClock()
    #expect(clock.tick(now: dayAhead) == HybridTimestamp(milliseconds: dayAhead, counter: 0))
    // The wall clock is put right: the next reading is within the tolerance of it.
    let next = clock.tick(now: now)
    #expect(next == HybridTimestamp(milliseconds: now + 300_000, counter: 1))
    #expect(
      clock.tick(now: now + 400_000) == HybridTimestamp(milliseconds: now + 400_000, counter: 0))
    var observing = HybridClock(latest: HybridTimestamp(milliseconds: dayAhead, counter: 5))
    observing.observe(HybridTimestamp(milliseconds: now, counter: 0), now: now)
    #expect(observing.latest == HybridTimestamp(milliseconds: now + 300_000, counter: 0))
  }

  @Test func clockSkewNamesTheMachineAhead() throws {
    let now: UInt64 = 1_700_000_000_000
    #expect(ClockSkew(localMilliseconds: now, remoteMilliseconds: now + 299_000) == nil)
    let behind = try #require(ClockSkew(localMilliseconds: now, remoteMilliseconds: now + 600_000))
    #expect("\(behind)".hasPrefix("the server's clock is 10 minutes ahead of this machine's"))
    let ahead = try #require(
      ClockSkew(localMilliseconds: now + 86_400_000, remoteMilliseconds: now))
    #expect("\(ahead)".hasPrefix("this machine's clock is 1 day ahead of the server's"))
  }

  @Test func timestampLayoutAndHex() {
    let stamp = HybridTimestamp(milliseconds: 0x18B_CFE5_6800, counter: 0x0102)
    #expect(stamp.rawValue == 0x018B_CFE5_6800_0102)
    #expect(stamp.milliseconds == 0x18B_CFE5_6800)
    #expect(stamp.counter == 0x0102)
    #expect(stamp.hex == "018bcfe568000102")
    #expect(HybridTimestamp(hex: "018bcfe568000102") == stamp)
    #expect(HybridTimestamp(hex: "018BCFE568000102") == nil)
    #expect(HybridTimestamp(hex: "18bcfe568000102") == nil)
    #expect(HybridTimestamp(rawValue: 1).hex == "0000000000000001")
    let masked = HybridTimestamp(milliseconds: 0x1_0000_0000_0000 + 5, counter: 0)
    #expect(masked.milliseconds == 5, "milliseconds keep 48 bits")
    #expect(
      HybridTimestamp(milliseconds: 1, counter: 0) > HybridTimestamp(milliseconds: 0, counter: .max)
    )
  }
}

// MARK: - Version vectors

@Suite("VersionVector")
struct VersionVectorTests {
  let a = Fixture.siteA
  let b = Fixture.siteB
  let c = Fixture.siteC

  @Test func covers() {
    let vector = VersionVector([a: 3])
    #expect(vector.covers(dot(a, 1)))
    #expect(vector.covers(dot(a, 3)))
    #expect(!vector.covers(dot(a, 4)))
    #expect(!vector.covers(dot(b, 1)))
    #expect(!VersionVector().covers(dot(a, 1)))
  }

  @Test func zeroEntriesAreDropped() {
    #expect(VersionVector([a: 0, b: 2]) == VersionVector([b: 2]))
    var vector = VersionVector([a: 4])
    vector[a] = 0
    #expect(vector == VersionVector())
    #expect(vector.entries.isEmpty)
    vector[b] = 7
    #expect(vector[b] == 7 && vector[c] == 0)
    #expect(VersionVector([c: 1, a: 1, b: 1]).sites == [a, b, c])
  }

  @Test func mergedIsThePointwiseMaximum() {
    let left = VersionVector([a: 3, b: 1])
    let right = VersionVector([b: 4, c: 2])
    let merged = left.merged(with: right)
    #expect(merged == VersionVector([a: 3, b: 4, c: 2]))
    #expect(merged == right.merged(with: left))
    #expect(left.merged(with: left) == left)
    #expect(left.merged(with: VersionVector()) == left)
  }

  @Test func dominates() {
    let small = VersionVector([a: 2])
    let large = VersionVector([a: 3, b: 1])
    #expect(large.dominates(small))
    #expect(!small.dominates(large))
    #expect(small.dominates(small))
    #expect(small.dominates(VersionVector()))
    #expect(!VersionVector().dominates(small))
    let concurrent = VersionVector([b: 5])
    #expect(!large.dominates(concurrent) && !concurrent.dominates(large))
    #expect(large.merged(with: concurrent).dominates(large))
    #expect(large.merged(with: concurrent).dominates(concurrent))
  }

  @Test func json() throws {
    let vector = VersionVector([b: 1, a: 3])
    let text = String(decoding: try ChangeJSON.makeEncoder().encode(vector), as: UTF8.self)
    #expect(text == #"{"\#(a.rawValue)":3,"\#(b.rawValue)":1}"#)
    let decoded = try JSONDecoder().decode(VersionVector.self, from: Data(text.utf8))
    #expect(decoded == vector)
    #expect(try JSONDecoder().decode(VersionVector.self, from: Data("{}".utf8)) == VersionVector())
    let zero = #"{"\#(a.rawValue)":0}"#
    #expect(try JSONDecoder().decode(VersionVector.self, from: Data(zero.utf8)) == VersionVector())
    for bad in [#"{"abc":1}"#, #"{"\#(a.rawValue)":-1}"#, "[1]", #"{"\#(a.rawValue)":"1"}"#] {
      #expect(throws: DecodingError.self, "\(bad)") {
        try JSONDecoder().decode(VersionVector.self, from: Data(bad.utf8))
      }
    }
  }
}

// MARK: - Validation

@Suite("Change validation")
struct ChangeValidationTests {
  static let valid = Change(
    site: Fixture.siteA, seq: 1, hlc: Fixture.hlc(0), author: "alice", entity: Fixture.note,
    field: Field.note, op: .set, value: "text")

  static func with(_ edit: (inout Change) -> Void) -> Change {
    var change = valid
    edit(&change)
    return change
  }

  /// A change in memory that breaks several rules names the first in the order of
  /// `canonical-json.md` §6, as the reader does for bytes.
  @Test func severalRulesBrokenNameTheFirstInTheDocumentedOrder() {
    var deep: JSONValue = .int(1)
    for _ in 0..<70 { deep = .array([deep]) }
    let cases: [(Change, ChangeRule)] = [
      (
        Self.with {
          $0.author = ""; $0.value = deep
        }, .depth
      ),
      (
        Self.with {
          $0.author = ""; $0.value = .array([.double(1.5), .int(1 << 60)])
        }, .integer
      ),
      (Self.with { $0.value = .object(["é": .int(1 << 60)]) }, .integerRange),
      (
        Self.with {
          $0.seq = 1 << 60; $0.value = .object(["é": .int(1)])
        }, .integerRange
      ),
      (
        Self.with {
          $0.author = ""; $0.field = Field.tags
        }, .author
      ),
      (
        Self.with {
          $0.field = "no_te"; $0.entity = .article("a b")
        }, .entity
      ),
      (
        Self.with {
          $0.op = .add; $0.value = .int(5)
        }, .opForField
      ),
      (
        Self.with {
          $0.field = Field.deleted
          $0.value = "yes"
          $0.context = VersionVector([Fixture.siteB: 1])
        }, .deletedValue
      ),
    ]
    for (change, rule) in cases {
      #expect(throws: InvalidChange.self) { try change.validate() }
      do { try change.validate() } catch { #expect(error.rule == rule, "\(error)") }
    }
  }

  /// Each refused shape, with words its reason must contain.
  static let invalid: [(String, Change, String)] = [
    ("seq 0", with { $0.seq = 0 }, "seq must be 1 or more"),
    ("negative seq", with { $0.seq = -3 }, "seq must be 1 or more"),
    ("empty author", with { $0.author = "" }, "author must be 1 to 200 UTF-8 bytes"),
    ("long author", with { $0.author = String(repeating: "é", count: 101) }, "author"),
    ("empty id", with { $0.entity = .annotation("") }, "entity id"),
    ("id with space", with { $0.entity = .annotation("a b") }, "entity id"),
    ("id with slash", with { $0.entity = .article("a/b") }, "entity id"),
    ("non-ASCII id", with { $0.entity = .article("café") }, "entity id"),
    ("long id", with { $0.entity = .article(String(repeating: "a", count: 129)) }, "entity id"),
    ("empty field", with { $0.field = "" }, "field must be 1 to 64 ASCII letters"),
    ("field with digit", with { $0.field = "note2" }, "field must be"),
    ("field with dot", with { $0.field = "note.text" }, "field must be"),
    ("non-ASCII field", with { $0.field = "noté" }, "field must be"),
    ("long field", with { $0.field = String(repeating: "f", count: 65) }, "field must be"),
    (
      "too many pred",
      with { $0.pred = (1...1_001).map { Dot(site: Fixture.siteB, seq: $0) } },
      "pred lists more than 1000 changes"
    ),
    (
      "pred names itself", with { $0.pred = [Dot(site: Fixture.siteA, seq: 1)] },
      "cannot supersede itself"
    ),
    ("set without value", with { $0.value = nil }, "set needs a value"),
    (
      "add without value",
      with {
        $0.field = Field.tags
        $0.op = .add
        $0.value = nil
      }, "add needs a value"
    ),
    (
      "large value", with { $0.value = .string(String(repeating: "x", count: 256 * 1024)) },
      "more than 262144"
    ),
    (
      "add of a number",
      with {
        $0.field = Field.tags
        $0.op = .add
        $0.value = .int(3)
      }, "add needs a string value"
    ),
    (
      "remove with value",
      with {
        $0.field = Field.tags
        $0.op = .remove
        $0.pred = [Dot(site: Fixture.siteB, seq: 1)]
      }, "remove takes no value"
    ),
    (
      "remove naming nothing",
      with {
        $0.field = Field.tags
        $0.op = .remove
        $0.value = nil
      }, "remove must name the additions it removes"
    ),
    (
      "context on an edit", with { $0.context = VersionVector([Fixture.siteB: 1]) },
      "only a delete carries a context"
    ),
    (
      "context on a restore",
      with {
        $0.field = Field.deleted
        $0.value = .bool(false)
        $0.context = VersionVector([Fixture.siteB: 1])
      }, "only a delete carries a context"
    ),
  ]

  @Test(arguments: 0..<invalid.count)
  func refused(_ index: Int) {
    let (name, change, reason) = Self.invalid[index]
    do {
      try change.validate()
      Issue.record("\(name): accepted")
    } catch {
      // A seq below 1 is no change's identity: the refusal names no dot (error.schema.json).
      #expect(error.dot == (change.seq >= 1 ? change.dot : nil), "\(name)")
      #expect(error.reason.contains(reason), "\(name): \(error.reason)")
      #expect(error.description.contains("is invalid"), "\(name)")
    }
  }

  @Test func acceptedShapes() throws {
    let b = Fixture.siteB
    let changes: [Change] = [
      Self.valid,
      Self.with { $0.value = .string(String(repeating: "x", count: 200 * 1024)) },
      Self.with { $0.pred = [Dot(site: b, seq: 1), Dot(site: b, seq: 2)] },
      Self.with { $0.entity = .article("3f2a9c1e-5B7d") },
      Self.with {
        $0.field = Field.tags
        $0.op = .add
        $0.value = "urgent"
      },
      Self.with {
        $0.field = Field.tags
        $0.op = .remove
        $0.value = nil
        $0.pred = [Dot(site: b, seq: 1)]
      },
      Self.with {
        $0.field = Field.deleted
        $0.value = .bool(true)
        $0.context = VersionVector([b: 4])
      },
      Self.with {
        $0.field = Field.deleted
        $0.value = .bool(false)
        $0.pred = [Dot(site: b, seq: 5)]
      },
      Self.with { $0.author = String(repeating: "a", count: 200) },
      Self.with { $0.field = String(repeating: "f", count: 64) },
    ]
    for change in changes { try change.validate() }
  }

  @Test func customLimits() {
    var limits = ChangeLimits()
    limits.maximumPredCount = 1
    let change = Self.with {
      $0.pred = [Dot(site: Fixture.siteB, seq: 1), Dot(site: Fixture.siteB, seq: 2)]
    }
    #expect(throws: InvalidChange.self) { try change.validate(limits: limits) }
  }
}

// MARK: - Canonical JSON

@Suite("Canonical change JSON")
struct ChangeJSONTests {
  static let samples: [Change] = [
    ChangeValidationTests.valid,
    Change(
      site: Fixture.siteB, seq: 12, hlc: Fixture.hlc(5, 3), author: "Zoë / bob",
      entity: .article("3f2a9c1e5b7d8046"), field: Field.insights, op: .set,
      value: .array([
        .object(["question": "Why?", "points": .array(["a/b", "“quoted”", "line\nbreak"])])
      ]),
      pred: [Dot(site: Fixture.siteA, seq: 2), Dot(site: Fixture.siteC, seq: 1)]),
    Change(
      site: Fixture.siteC, seq: 3, hlc: Fixture.hlc(9), author: "carol", entity: Fixture.note,
      field: Field.tags, op: .add, value: "urgent"),
    Change(
      site: Fixture.siteC, seq: 4, hlc: Fixture.hlc(10), author: "carol", entity: Fixture.note,
      field: Field.tags, op: .remove, pred: [Dot(site: Fixture.siteC, seq: 3)]),
    Change(
      site: Fixture.siteA, seq: 7, hlc: Fixture.hlc(11), author: "alice", entity: Fixture.note,
      field: Field.deleted, op: .set, value: .bool(true),
      context: VersionVector([Fixture.siteA: 6, Fixture.siteC: 4])),
    Change(
      site: Fixture.siteA, seq: 8, hlc: Fixture.hlc(12), author: "alice", entity: Fixture.note,
      field: Field.color, op: .set,
      value: .object([
        "n": .int(-42), "z": .null, "ok": .bool(false), "f": .int(9_007_199_254_740_991),
      ])),
  ]

  @Test func exactBytes() {
    let text = String(decoding: ChangeJSON.encode(ChangeValidationTests.valid), as: UTF8.self)
    let a = Fixture.siteA.rawValue
    #expect(
      text == #"{"author":"alice","entity":{"id":"018bcfe56800a1b2c3d4e5f60718293a","#
        + #""kind":"annotation"},"field":"note","hlc":"018bcfe568000000","op":"set","seq":1,"#
        + #""site":"\#(a)","value":"text"}"#)
    let delete = String(decoding: ChangeJSON.encode(Self.samples[4]), as: UTF8.self)
    #expect(delete.hasPrefix(#"{"author":"alice","context":{"\#(a)":6,"#))
    #expect(!delete.contains("pred"), "an empty pred is left out")
    let remove = String(decoding: ChangeJSON.encode(Self.samples[3]), as: UTF8.self)
    #expect(!remove.contains("value") && !remove.contains("context"))
    let slashes = String(decoding: ChangeJSON.encode(Self.samples[1]), as: UTF8.self)
    #expect(slashes.contains("a/b") && !slashes.contains("\\/"))
  }

  @Test(arguments: 0..<samples.count)
  func roundTrip(_ index: Int) throws {
    let change = Self.samples[index]
    let bytes = ChangeJSON.encode(change)
    #expect(!bytes.isEmpty)
    #expect(ChangeJSON.encode(change) == bytes, "same change, same bytes")
    let decoded = try ChangeJSON.decode(bytes)
    #expect(decoded == change)
    #expect(ChangeJSON.encode(decoded) == bytes)
  }

  @Test func theSameChangeWrittenAnyOtherWayIsRefused() throws {
    let a = Fixture.siteA.rawValue
    let loose = """
      {
        "value": "text", "site": "\(a)", "seq": 1, "op": "set",
        "hlc": "018bcfe568000000", "field": "note",
        "entity": {"kind": "annotation", "id": "018bcfe56800a1b2c3d4e5f60718293a"},
        "author": "alice"
      }
      """
    do {
      _ = try ChangeJSON.decode(Array(loose.utf8))
      Issue.record("a change not in canonical form was accepted")
    } catch {
      #expect(error.rule == .canonical)
      #expect(error.dot == ChangeValidationTests.valid.dot)
    }
  }

  @Test func malformedChangesAreRefused() {
    let good = String(decoding: ChangeJSON.encode(ChangeValidationTests.valid), as: UTF8.self)
    let bad = [
      good.replacingOccurrences(of: "018bcfe568000000", with: "018BCFE568000000"),
      good.replacingOccurrences(of: "018bcfe568000000", with: "18bcfe568000000"),
      good.replacingOccurrences(of: Fixture.siteA.rawValue, with: "aaaa"),
      good.replacingOccurrences(of: #""op":"set""#, with: #""op":"put""#),
      good.replacingOccurrences(of: #""kind":"annotation""#, with: #""kind":"page""#),
      good.replacingOccurrences(of: #""author":"alice","#, with: ""),
      "[]", "", "{",
    ]
    for text in bad {
      #expect(throws: (any Error).self, "\(text)") { try ChangeJSON.decode(Array(text.utf8)) }
    }
  }
}
