import FolioArticles
import FolioModel
import FolioReplica
import Foundation
import Testing

/// Two or three replicas on temporary files, exchanging changes directly.
@Suite("Replica merge")
struct ReplicaMergeTests {
  /// Alice and Bob with one shared article and one note annotation carrying the tag
  /// "urgent", both already in sync.
  struct Pair {
    let directory: TemporaryDirectory
    let clock: ManualClock
    let alice: Replica
    let bob: Replica
    let article: Article
    let note: Annotation

    init() throws {
      directory = try TemporaryDirectory()
      clock = ManualClock()
      alice = try Replica.create(
        at: directory.file("alice.sqlite"), author: "alice", wallClock: clock.wallClock)
      bob = try Replica.create(
        at: directory.file("bob.sqlite"), author: "bob", wallClock: clock.wallClock)
      article = sampleArticle("Tariffs rise again", tags: ["trade"])
      _ = try alice.importArticles([article])
      clock.advance(by: 10)
      note = try alice.addNote(articleID: article.id, text: "Check the numbers")
      clock.advance(by: 10)
      try alice.tag(.annotation(note.id), adding: ["urgent"], removing: [])
      try sync(alice, to: bob)
      clock.advance(by: 1_000)
    }

    func exchange() throws {
      try sync(alice, to: bob)
      try sync(bob, to: alice)
    }
  }

  // MARK: The scenario

  @Test func concurrentEditsConflictThenResolveOnBothReplicas() throws {
    let pair = try Pair()
    defer { pair.directory.remove() }
    let (alice, bob, noteID) = (pair.alice, pair.bob, pair.note.id)
    #expect(try bob.annotation(id: noteID)?.tags == ["urgent"])

    try alice.editAnnotation(id: noteID, note: "Alice: the numbers are right")
    pair.clock.advance(by: 5)
    try bob.editAnnotation(id: noteID, note: "Bob: the numbers are off")
    try bob.tag(.annotation(noteID), adding: ["urgent"], removing: [])
    try alice.tag(.annotation(noteID), adding: [], removing: ["urgent"])
    try pair.exchange()

    for replica in [alice, bob] {
      let conflicts = try replica.conflicts()
      try #require(conflicts.count == 1, "\(replica.author): \(conflicts.map(\.conflict.field))")
      let conflict = conflicts[0].conflict
      #expect(conflict.kind == .value)
      #expect(conflict.field == Field.note)
      #expect(conflict.entity == .annotation(noteID))
      #expect(conflict.versions.count == 2)
      #expect(Set(conflict.versions.map(\.author)) == ["alice", "bob"])
      #expect(
        Set(conflict.versions.compactMap(\.value?.stringValue))
          == ["Alice: the numbers are right", "Bob: the numbers are off"])
      #expect(
        conflict.versions.first?.value?.stringValue == "Bob: the numbers are off",
        "Bob wrote later: his version is shown")
      #expect(try replica.annotation(id: noteID)?.note == "Bob: the numbers are off")
      // BUG (see report): Bob re-adding a tag that is present writes no change, so Alice's
      // concurrent removal wins. Add must win over a concurrent remove.
      #expect(
        try replica.annotation(id: noteID)?.tags == ["urgent"],
        "\(replica.author): Bob's add wins over Alice's concurrent remove")
    }
    #expect(
      try alice.conflicts().map(ConflictSummary.init) == bob.conflicts().map(ConflictSummary.init))
    #expect(try canonicalExport(alice) == canonicalExport(bob))
    #expect(try alice.export().articles.first?.conflicts == ["\(noteID).note"])

    let conflictID = try #require(try alice.conflicts().first?.conflict.id)
    let picked = try #require(try alice.conflicts().first?.conflict.versions.first?.value)
    try alice.resolve(conflict: conflictID, with: .pick(1))
    try pair.exchange()
    for replica in [alice, bob] {
      #expect(try replica.conflicts().isEmpty, "\(replica.author)")
      #expect(try replica.conflictCount() == 0)
      #expect(try replica.annotation(id: noteID)?.note == picked.stringValue)
    }
    #expect(try canonicalExport(alice) == canonicalExport(bob))
    #expect(try alice.versionVector() == bob.versionVector())
  }

  @Test func concurrentResolutionsMakeANewConflict() throws {
    let pair = try Pair()
    defer { pair.directory.remove() }
    let (alice, bob, noteID) = (pair.alice, pair.bob, pair.note.id)
    try alice.editAnnotation(id: noteID, note: "A")
    try bob.editAnnotation(id: noteID, note: "B")
    try pair.exchange()
    let conflictID = try #require(try alice.conflicts().first?.conflict.id)
    try alice.resolve(conflict: conflictID, with: .author("alice"))
    pair.clock.advance(by: 5)
    try bob.resolve(conflict: conflictID, with: .value("C"))
    try pair.exchange()
    for replica in [alice, bob] {
      let conflicts = try replica.conflicts()
      #expect(conflicts.map(\.conflict.id) == [conflictID], "the same id again")
      #expect(conflicts.first?.conflict.versions.compactMap(\.value?.stringValue) == ["C", "A"])
    }
    try bob.resolve(conflict: conflictID, with: .author("alice"))
    try pair.exchange()
    #expect(try alice.conflicts().isEmpty && bob.conflicts().isEmpty)
    #expect(try alice.annotation(id: noteID)?.note == "A")
    #expect(try canonicalExport(alice) == canonicalExport(bob))
  }

  @Test func editsOfAnAutomaticallyMergedNoteMergeAgain() throws {
    let pair = try Pair()
    defer { pair.directory.remove() }
    let (alice, bob, noteID) = (pair.alice, pair.bob, pair.note.id)
    try alice.editAnnotation(id: noteID, note: "Check the numbers today")
    try bob.editAnnotation(id: noteID, note: "check the numbers")
    try pair.exchange()
    #expect(try alice.annotation(id: noteID)?.note == "check the numbers today")
    // Both now edit the merged text at once, in different words.
    pair.clock.advance(by: 5)
    try alice.editAnnotation(id: noteID, note: "check the new numbers today")
    try bob.editAnnotation(id: noteID, note: "check the numbers today, urgently")
    try pair.exchange()
    for replica in [alice, bob] {
      #expect(try replica.conflicts().isEmpty)
      #expect(try replica.annotation(id: noteID)?.note == "check the new numbers today, urgently")
      #expect(
        try replica.automaticMerges().map(\.merge.value) == [
          "check the new numbers today, urgently"
        ])
    }
  }

  /// BUG (see report): re-adding a tag that is already present writes nothing, so a
  /// concurrent removal elsewhere takes the tag away although someone just added it.
  @Test func reAddingAPresentTagWinsOverAConcurrentRemoval() throws {
    let pair = try Pair()
    defer { pair.directory.remove() }
    let before = try pair.bob.changeCount()
    try pair.bob.tag(.annotation(pair.note.id), adding: ["urgent"], removing: [])
    #expect(try pair.bob.changeCount() == before + 1, "the add is recorded")
    try pair.alice.tag(.annotation(pair.note.id), adding: [], removing: ["urgent"])
    try pair.exchange()
    #expect(try pair.alice.annotation(id: pair.note.id)?.tags == ["urgent"])
  }

  @Test func addWinsOverConcurrentRemoveOfAnotherAddition() throws {
    let pair = try Pair()
    defer { pair.directory.remove() }
    let articleRef = EntityRef.article(pair.article.id)
    try pair.alice.tag(articleRef, adding: [], removing: ["trade"])
    try pair.bob.tag(.annotation(pair.note.id), adding: [], removing: ["urgent"])
    try pair.bob.tag(.annotation(pair.note.id), adding: ["urgent", "later"], removing: [])
    try pair.alice.tag(.annotation(pair.note.id), adding: [], removing: ["urgent"])
    try pair.exchange()
    for replica in [pair.alice, pair.bob] {
      #expect(try replica.annotation(id: pair.note.id)?.tags == ["later", "urgent"])
      #expect(try replica.article(id: pair.article.id)?.tags == [])
    }
    #expect(try canonicalExport(pair.alice) == canonicalExport(pair.bob))
  }

  // MARK: Deletes

  @Test(arguments: [Resolution.restore, .confirmDelete], [false, true])
  func deleteConcurrentWithEdit(settling resolution: Resolution, onAlice: Bool) throws {
    let pair = try Pair()
    defer { pair.directory.remove() }
    let (alice, bob, noteID) = (pair.alice, pair.bob, pair.note.id)
    try alice.deleteAnnotation(id: noteID)
    #expect(try alice.annotation(id: noteID) == nil)
    try bob.editAnnotation(id: noteID, note: "Bob keeps working on it")
    try pair.exchange()

    for replica in [alice, bob] {
      let conflicts = try replica.conflicts()
      try #require(conflicts.count == 1, "\(replica.author)")
      #expect(conflicts[0].conflict.kind == .delete)
      #expect(conflicts[0].conflict.field == Field.deleted)
      #expect(conflicts[0].conflict.versions.first?.author == "alice", "the delete first")
      #expect(conflicts[0].conflict.versions.contains { $0.author == "bob" })
      let shown = try replica.annotation(id: noteID)
      #expect(shown?.note == "Bob keeps working on it", "\(replica.author): still visible")
    }
    #expect(try canonicalExport(alice) == canonicalExport(bob))

    let resolver = onAlice ? alice : bob
    let conflictID = try #require(try resolver.conflicts().first?.conflict.id)
    #expect(throws: ReplicaError.self) {
      try resolver.resolve(conflict: conflictID, with: .pick(1))
    }
    try resolver.resolve(conflict: conflictID, with: resolution)
    try pair.exchange()
    for replica in [alice, bob] {
      #expect(try replica.conflicts().isEmpty, "\(replica.author)")
      let shown = try replica.annotation(id: noteID)
      if resolution == .restore {
        #expect(shown?.note == "Bob keeps working on it", "\(replica.author)")
      } else {
        #expect(shown == nil, "\(replica.author)")
      }
    }
    #expect(try canonicalExport(alice) == canonicalExport(bob))
  }

  @Test func deleteSeenByEveryoneStaysDeleted() throws {
    let pair = try Pair()
    defer { pair.directory.remove() }
    try pair.bob.editAnnotation(id: pair.note.id, color: "green")
    try sync(pair.bob, to: pair.alice)
    try pair.alice.deleteAnnotation(id: pair.note.id)
    try pair.exchange()
    for replica in [pair.alice, pair.bob] {
      #expect(try replica.annotation(id: pair.note.id) == nil)
      #expect(try replica.conflicts().isEmpty)
      #expect(throws: ReplicaError.self) { try replica.editAnnotation(id: pair.note.id, note: "x") }
    }
  }

  /// BUG (see report): a value conflict on an annotation that is then deleted stays listed,
  /// and resolving it brings the deleted annotation back.
  @Test func deletedAnnotationListsNoConflict() throws {
    let pair = try Pair()
    defer { pair.directory.remove() }
    let (alice, bob, noteID) = (pair.alice, pair.bob, pair.note.id)
    try alice.editAnnotation(id: noteID, note: "A")
    try bob.editAnnotation(id: noteID, note: "B")
    try pair.exchange()
    try alice.deleteAnnotation(id: noteID)
    try pair.exchange()
    for replica in [alice, bob] {
      #expect(try replica.annotation(id: noteID) == nil, "\(replica.author)")
      #expect(try replica.conflicts().isEmpty, "\(replica.author): conflict on a deleted record")
    }
    if let listed = try bob.conflicts().first {
      try bob.resolve(conflict: listed.conflict.id, with: .pick(1))
      #expect(try bob.annotation(id: noteID) == nil, "resolving it brought the annotation back")
    }
  }

  // MARK: Refused changes

  @Test func changeFromAClockTenMinutesAheadIsTakenInWithoutDraggingTheClock() throws {
    let pair = try Pair()
    defer { pair.directory.remove() }
    let aheadClock = ManualClock(pair.clock.now + 10 * 60 * 1000)
    let carol = try Replica.create(
      at: pair.directory.file("carol.sqlite"), author: "carol", wallClock: aheadClock.wallClock)
    try sync(pair.alice, to: carol)
    try carol.editAnnotation(id: pair.note.id, note: "from the future")
    // Never refused for its clock: refusing it would stop Bob taking anything from Carol.
    let report = try pair.bob.applyRemote(try carol.changes(notCoveredBy: VersionVector()))
    #expect(report.added > 0)
    #expect(try pair.bob.annotation(id: pair.note.id)?.note == "from the future")
    // Bob's clock follows it only up to five minutes ahead of his own wall clock.
    try pair.bob.editAnnotation(id: pair.note.id, note: "bob's")
    let bobs = try #require(
      try pair.bob.changes(notCoveredBy: VersionVector(), site: pair.bob.site).last)
    #expect(bobs.hlc.milliseconds <= pair.clock.now + 5 * 60 * 1000)

    // Carol's clock is put right: her next change is within five minutes of her wall clock.
    aheadClock.now = pair.clock.now
    try carol.editAnnotation(id: pair.note.id, note: "clock fixed")
    let fixed = try #require(
      try carol.changes(notCoveredBy: VersionVector(), site: carol.site).last)
    #expect(fixed.hlc.milliseconds <= pair.clock.now + 5 * 60 * 1000)
  }

  @Test func sameDotWithOtherContentIsRefused() throws {
    let pair = try Pair()
    defer { pair.directory.remove() }
    try pair.alice.editAnnotation(id: pair.note.id, note: "original")
    try sync(pair.alice, to: pair.bob)
    let before = try ReplicaSnapshot(pair.bob)
    var forged = try #require(try pair.alice.changes(notCoveredBy: VersionVector()).last)
    forged.value = .string("forged")
    #expect(throws: ReplicaError.self) { try pair.bob.applyRemote([forged]) }
    #expect(try ReplicaSnapshot(pair.bob) == before)
    let report = try pair.bob.applyRemote(try pair.alice.changes(notCoveredBy: VersionVector()))
    #expect(report.added == 0)
    #expect(report.duplicates == before.changeCount)
    #expect(try ReplicaSnapshot(pair.bob) == before)
  }

  @Test func invalidChangeRefusesTheWholeBatch() throws {
    let pair = try Pair()
    defer { pair.directory.remove() }
    try pair.alice.editAnnotation(id: pair.note.id, note: "good")
    let good = try pair.alice.changes(notCoveredBy: pair.bob.versionVector())
    var bad = try #require(good.first)
    bad.seq = 999
    bad.author = ""
    let before = try ReplicaSnapshot(pair.bob)
    #expect(throws: ReplicaError.self) { try pair.bob.applyRemote(good + [bad]) }
    #expect(try ReplicaSnapshot(pair.bob) == before)
  }

  @Test func changesMayArriveWithGaps() throws {
    let pair = try Pair()
    defer { pair.directory.remove() }
    try pair.alice.editAnnotation(id: pair.note.id, note: "one")
    try pair.alice.editAnnotation(id: pair.note.id, color: "blue")
    try pair.alice.editAnnotation(id: pair.note.id, note: "three")
    let missing = try pair.alice.changes(notCoveredBy: pair.bob.versionVector())
    try #require(missing.count == 3)
    let vectorBefore = try pair.bob.versionVector()
    _ = try pair.bob.applyRemote([missing[2]])
    #expect(try pair.bob.versionVector() == vectorBefore, "a gap holds the vector back")
    #expect(try pair.bob.annotation(id: pair.note.id)?.note == "three")
    _ = try pair.bob.applyRemote([missing[1], missing[0]])
    #expect(try pair.bob.versionVector() == pair.alice.versionVector())
    #expect(try canonicalExport(pair.bob) == canonicalExport(pair.alice))
  }

  /// Two records chosen so that their conflict ids share their first 8 hex digits (ids used
  /// to be that short): both conflicts are stored and listed, and the shared prefix is
  /// refused as ambiguous.
  @Test func conflictsWithCollidingIDsAreBothListed() throws {
    let first = EntityRef.annotation("collide-25908")
    let second = EntityRef.annotation("collide-50126")
    #expect(Conflict.id(entity: first, field: Field.note).hasPrefix("e6566572"))
    #expect(Conflict.id(entity: second, field: Field.note).hasPrefix("e6566572"))
    #expect(Conflict.id(entity: first, field: Field.note).count == 16)
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let clock = ManualClock()
    let replica = try Replica.create(
      at: directory.file("r.sqlite"), author: "alice", wallClock: clock.wallClock)
    let siteA = SiteID.random()
    let siteB = SiteID.random()
    var changes: [Change] = []
    for (index, entity) in [first, second].enumerated() {
      for (site, text) in [(siteA, "a"), (siteB, "b")] {
        changes.append(
          Change(
            site: site, seq: index + 1,
            hlc: HybridTimestamp(milliseconds: clock.now - 1_000, counter: UInt16(index)),
            author: "someone", entity: entity, field: Field.note, op: .set, value: .string(text)))
      }
    }
    _ = try replica.applyRemote(changes)
    #expect(try replica.conflicts().count == 2)
    #expect(throws: ReplicaError.self) { try replica.conflict("e6566572") }
    let full = Conflict.id(entity: second, field: Field.note)
    #expect(try replica.conflict(full).conflict.entity == second)
  }

  // MARK: Bundles

  @Test func bundleRoundTripThroughFiles() throws {
    let pair = try Pair()
    defer { pair.directory.remove() }
    let (alice, bob) = (pair.alice, pair.bob)
    try alice.editAnnotation(id: pair.note.id, note: "via bundle")
    _ = try alice.importArticles([sampleArticle("Second story")])
    let path = pair.directory.file("alice-to-bob.folio")

    let summary = try alice.createBundle(at: path, for: try bob.versionVector())
    #expect(summary.changes == (try alice.changeCount()) - (try bob.changeCount()))
    #expect(try Replica.bundleHeader(at: path).vector == alice.versionVector())
    #expect(try Replica.bundleHeader(at: path).site == alice.site)
    let report = try bob.applyBundle(at: path)
    #expect(report.added == summary.changes)
    #expect(try canonicalExport(bob) == canonicalExport(alice))
    #expect(try bob.versionVector() == alice.versionVector())

    let settled = try ReplicaSnapshot(bob)
    let again = try bob.applyBundle(at: path)
    #expect(again.added == 0)
    #expect(again.duplicates == summary.changes)
    #expect(try ReplicaSnapshot(bob) == settled)

    let full = pair.directory.file("alice-full.folio")
    let fullSummary = try alice.createBundle(at: full, for: nil)
    #expect(fullSummary.changes == (try alice.changeCount()))
    let fresh = try Replica.create(
      at: pair.directory.file("carol.sqlite"), author: "carol", wallClock: pair.clock.wallClock)
    _ = try fresh.applyBundle(at: full)
    #expect(try canonicalExport(fresh) == canonicalExport(alice))
    _ = try fresh.applyBundle(at: path)
    #expect(try canonicalExport(fresh) == canonicalExport(alice))
  }

  enum Damage: String, CaseIterable, Sendable {
    case truncatedMidLine
    case truncatedAtLineEnd
    case flippedByteInAChange
    case flippedByteInTheTrailer
    case foreignText
    case empty
    case headerOnly
    case extraLineAfterTrailer
  }

  @Test(arguments: Damage.allCases)
  func damagedBundleIsRefusedAndChangesNothing(_ damage: Damage) throws {
    let pair = try Pair()
    defer { pair.directory.remove() }
    try pair.alice.editAnnotation(id: pair.note.id, note: "in the bundle")
    try pair.alice.tag(.annotation(pair.note.id), adding: ["bundled"], removing: [])
    _ = try pair.alice.importArticles([sampleArticle("Second story")])
    let path = pair.directory.file("bundle.folio")
    _ = try pair.alice.createBundle(at: path, for: try pair.bob.versionVector())
    let bytes = try #require(FileManager.default.contents(atPath: path))
    let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    try #require(lines.count >= 5, "header, at least 3 changes, trailer, final newline")
    let lineStarts = lines.indices.map { index in
      lines[..<index].reduce(0) { $0 + $1.count + 1 }
    }
    var damaged = Data(bytes)
    switch damage {
    case .truncatedMidLine:
      damaged = Data(bytes.prefix(lineStarts[2] + lines[2].count / 2))
    case .truncatedAtLineEnd:
      damaged = Data(bytes.prefix(lineStarts[lines.count - 2]))
    case .flippedByteInAChange:
      let position = lineStarts[2] + lines[2].count / 2
      damaged[position] ^= 0x01
    case .flippedByteInTheTrailer:
      let trailer = lines.count - 2
      damaged[lineStarts[trailer] + lines[trailer].count - 5] ^= 0x01
    case .foreignText:
      var generator = SplitMix64(seed: 7)
      let words = (0..<200).map { _ in
        String((0..<8).map { _ in "abcdefghij klmnop\n".randomElement(using: &generator) ?? "x" })
      }
      damaged = Data(words.joined().utf8)
    case .empty:
      damaged = Data()
    case .headerOnly:
      damaged = Data(bytes.prefix(lineStarts[1]))
    case .extraLineAfterTrailer:
      damaged.append(contentsOf: lines[1])
      damaged.append(0x0A)
    }
    #expect(damaged != bytes)
    try damaged.write(to: URL(fileURLWithPath: path))

    let before = try ReplicaSnapshot(pair.bob)
    #expect(throws: (any Error).self, "\(damage)") { try pair.bob.applyBundle(at: path) }
    #expect(try ReplicaSnapshot(pair.bob) == before, "\(damage)")
    let reopened = try Replica.open(at: pair.bob.path, wallClock: pair.clock.wallClock)
    #expect(try ReplicaSnapshot(reopened) == before, "\(damage): the file itself")
  }

  @Test func missingBundleFileIsRefused() throws {
    let pair = try Pair()
    defer { pair.directory.remove() }
    let before = try ReplicaSnapshot(pair.bob)
    #expect(throws: (any Error).self) {
      try pair.bob.applyBundle(at: pair.directory.file("nowhere.folio"))
    }
    #expect(try ReplicaSnapshot(pair.bob) == before)
  }

  /// BUG (see report): the checksum covers only the change lines, so a corrupted header
  /// (here one digit of its version vector) goes unnoticed, and `folio bundle create
  /// --since` then trusts the wrong vector.
  @Test func corruptedBundleHeaderIsRefused() throws {
    let pair = try Pair()
    defer { pair.directory.remove() }
    try pair.alice.editAnnotation(id: pair.note.id, note: "in the bundle")
    let path = pair.directory.file("bundle.folio")
    _ = try pair.alice.createBundle(at: path, for: try pair.bob.versionVector())
    var bytes = try #require(FileManager.default.contents(atPath: path))
    let seq = try pair.alice.versionVector()[pair.alice.site]
    let needle = Data("\"\(pair.alice.site.rawValue)\":\(seq)".utf8)
    let found = try #require(bytes.range(of: needle))
    bytes[found.upperBound - 1] ^= 0x01
    try bytes.write(to: URL(fileURLWithPath: path))

    let before = try ReplicaSnapshot(pair.bob)
    #expect(throws: (any Error).self) { try pair.bob.applyBundle(at: path) }
    #expect(try ReplicaSnapshot(pair.bob) == before)
  }
}
