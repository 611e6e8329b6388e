import FolioArticles
import FolioModel
import FolioSQLite
import Foundation
import Testing

@testable import FolioReplica

/// A replica written by Folio's first storage format (`Fixtures/replica-v1.sqlite`, made with
/// the `folio` of that release: an imported article, a highlight whose note two people edited
/// concurrently, a deleted note, tags added and removed, a remote) opens in the current
/// release and is upgraded in place, losing nothing.
@Suite struct UpgradeTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

  @Test func aVersion1ReplicaUpgradesWithNothingLost() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("replica.sqlite")
    try FileManager.default.copyItem(
      atPath: Self.fixtures.appendingPathComponent("replica-v1.sqlite").path, toPath: path)
    let replica = try Replica.open(at: path)

    // The same library as the old release exported, byte for byte.
    let expected = try Data(
      contentsOf: Self.fixtures.appendingPathComponent("replica-v1-export.json"))
    // Exports now also credit each note's current author (`noteAuthors`), a key the first
    // release did not write: compared without it, then checked on its own.
    let exported = try JSONSerialization.jsonObject(with: canonicalExport(replica))
    let upgraded = Self.removing("noteAuthors", from: exported) as? NSDictionary
    let original = try JSONSerialization.jsonObject(with: expected) as? NSDictionary
    #expect(upgraded != nil && upgraded == original)
    let credited = try replica.export().articles.flatMap(\.annotations).filter { $0.note != nil }
    #expect(!credited.isEmpty && credited.allSatisfy { $0.noteAuthors?.isEmpty == false })
    #expect(try replica.changeCount() == 15)
    #expect(try replica.conflicts().map(\.conflict.field) == ["note"])
    #expect(try replica.remotes().map(\.name) == ["origin"])
    #expect(try replica.remotes().first?.pushed == 0)
    #expect(try replica.search("malicious").count >= 1)

    // And it goes on working: a resolution and a new edit, after reopening.
    let reopened = try Replica.open(at: path)
    let conflict = try #require(try reopened.conflicts().first)
    try reopened.resolve(conflict: conflict.conflict.id, with: .pick(2))
    #expect(try reopened.conflictCount() == 0)
    #expect(try reopened.changeCount() == 16)
  }

  /// `Fixtures/replica-v2.sqlite` was made with the `folio` of schema version 2 (plain log
  /// chunks): an imported article, a highlight whose note alice and bob edited concurrently
  /// (through bundles), tags added and removed, an article note deleted, a remote. It opens,
  /// its old chunks stay readable next to the new layout's, and it goes on working.
  @Test func aVersion2ReplicaUpgradesWithNothingLost() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("replica.sqlite")
    try FileManager.default.copyItem(
      atPath: Self.fixtures.appendingPathComponent("replica-v2.sqlite").path, toPath: path)
    let replica = try Replica.open(at: path)

    let expected = try Data(
      contentsOf: Self.fixtures.appendingPathComponent("replica-v2-export.json"))
    // Compared without the note credit, a key version 2 did not write (see above).
    let exported = try JSONSerialization.jsonObject(with: canonicalExport(replica))
    let upgraded = Self.removing("noteAuthors", from: exported) as? NSDictionary
    let original = try JSONSerialization.jsonObject(with: expected) as? NSDictionary
    #expect(upgraded != nil && upgraded == original)
    #expect(try replica.changeCount() == 16)
    #expect(try replica.conflicts().map(\.conflict.field) == ["note"])
    #expect(try replica.remotes().map(\.name) == ["origin"])

    let reopened = try Replica.open(at: path)
    let conflict = try #require(try reopened.conflicts().first)
    try reopened.resolve(conflict: conflict.conflict.id, with: .pick(2))
    #expect(try reopened.conflictCount() == 0)
    // Every change, old layout and new, reads back and merges the same into a new replica.
    let copy = try Replica.create(at: directory.file("copy.sqlite"), author: "carol")
    try sync(reopened, to: copy)
    #expect(try copy.changeCount() == 17)
    #expect(try canonicalExport(copy) == canonicalExport(reopened))
  }

  /// `Fixtures/replica-v4.sqlite` was made with the `folio` of schema version 4 (signed
  /// changes): an imported article tagged and untagged, a highlight whose note alice and bob
  /// edited concurrently (through bundles), an article note deleted, a remote. It opens with
  /// the read indexes, loses nothing, and the listing queries read only them.
  @Test func aVersion4ReplicaGetsTheReadIndexes() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("replica.sqlite")
    try FileManager.default.copyItem(
      atPath: Self.fixtures.appendingPathComponent("replica-v4.sqlite").path, toPath: path)
    let replica = try Replica.open(at: path)
    #expect(try replica.db.scalarInt("PRAGMA user_version") == Int64(ReplicaSchema.latestVersion))
    #expect(replica.canSign)
    #expect(try replica.changeCount() == 15)
    #expect(try replica.conflicts().map(\.conflict.field) == ["note"])
    #expect(try replica.listArticles().map(\.tags) == [["china"]])
    #expect(try replica.listArticles().map(\.annotationCount) == [1])
    #expect(try replica.remotes().map(\.name) == ["origin"])

    #expect(
      try Self.plan("SELECT count(*) FROM articles WHERE visible", in: replica)
        .contains("COVERING INDEX"))
    #expect(
      try Self.plan(
        "SELECT count(*), max(created) FROM annotations WHERE article_id = 'a' AND visible",
        in: replica
      ).contains("COVERING INDEX annotations_by_article"))
    try Self.expectAnnotationsFoundByIDPrefix(in: replica)

    // It goes on working: a resolution and a new note, after reopening.
    let reopened = try Replica.open(at: path)
    let conflict = try #require(try reopened.conflicts().first)
    try reopened.resolve(conflict: conflict.conflict.id, with: .pick(1))
    #expect(try reopened.conflictCount() == 0)
    let article = try #require(try reopened.listArticles().first)
    _ = try reopened.addNote(articleID: article.id, text: "after the upgrade")
    #expect(try reopened.listArticles().first?.annotationCount == 2)
  }

  /// `Fixtures/replica-v6.sqlite` was made with the `folio` of schema version 6: an imported
  /// article tagged and untagged, two highlights (one with a tag, its note edited by alice
  /// and bob concurrently, through bundles), an article note deleted, a remote. Version 7
  /// makes its annotations' table again, indexed by the start of each id: every row, key and
  /// search entry is kept, and it goes on working.
  @Test func aVersion6ReplicaKeepsEveryAnnotationUnderItsNewIndex() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("replica.sqlite")
    let fixture = Self.fixtures.appendingPathComponent("replica-v6.sqlite").path
    try FileManager.default.copyItem(atPath: fixture, toPath: path)
    let rowsBefore = try Self.annotationRows(at: fixture)
    #expect(rowsBefore.count == 3)

    let replica = try Replica.open(at: path)
    #expect(try replica.db.scalarInt("PRAGMA user_version") == 7)
    #expect(try Self.annotationRows(at: path) == rowsBefore)
    #expect(
      try replica.db.scalarInt(
        "SELECT count(*) FROM sqlite_master WHERE tbl_name = 'annotations' AND name LIKE "
          + "'sqlite_autoindex%' OR name = 'annotations_visible_ids'") == 0)
    try Self.expectAnnotationsFoundByIDPrefix(in: replica)

    #expect(try replica.changeCount() == 19)
    #expect(try replica.conflicts().map(\.conflict.field) == ["note"])
    #expect(try replica.search("zero-day").contains { $0.annotationId?.hasPrefix("7250") == true })
    #expect(try replica.resolve("2dd5") == .annotation("2dd5f2ad2a9de5dc0d84e273eba120a5"))
    #expect(replica.abbreviate("2dd5f2ad2a9de5dc0d84e273eba120a5") == "2dd5f2ad")
    #expect(
      try replica.resolveDeleted("77a5") == .annotation("77a521cb45e93e040cc31926afa87853"))
    #expect(try replica.annotation(id: "7250b899700f92267915144566ace669")?.note == "check this")

    let reopened = try Replica.open(at: path)
    try reopened.editAnnotation(id: "7250b899700f92267915144566ace669", note: "checked")
    let article = try #require(try reopened.listArticles().first)
    let added = try reopened.highlight(
      articleID: article.id, quote: "White House memo", occurrence: 1)
    #expect(try reopened.annotation(id: added.id)?.target.selector?.exact == "White House memo")
    #expect(try reopened.annotation(id: "7250b899700f92267915144566ace669")?.note == "checked")
    #expect(try reopened.listArticles().first?.annotationCount == 3)
  }

  /// Every column of every annotation row, by key, read straight from the file.
  static func annotationRows(at path: String) throws -> [String] {
    let db = try Connection(path: path)
    return try db.rows(
      """
      SELECT key, id, visible, article_id, kind, selector, note, color, tags, author, created,
        hex(state) FROM annotations ORDER BY key
      """
    ) { row in (0..<12).map { row.optionalString($0) ?? "NULL" }.joined(separator: "|") }
  }

  static func plan(_ sql: String, in replica: Replica) throws -> String {
    try replica.db.rows("EXPLAIN QUERY PLAN " + sql) { $0.string(3) }.joined(separator: "; ")
  }

  /// Annotations are read by id, and by id prefix, through `annotations_by_id_prefix`.
  static func expectAnnotationsFoundByIDPrefix(in replica: Replica) throws {
    let byID = try plan(RecordColumns.selectSQL[.annotation] ?? "", in: replica)
    #expect(byID.contains("INDEX annotations_by_id_prefix"), "\(byID)")
    let byPrefix = try plan(
      "SELECT id FROM annotations WHERE "
        + RecordIDIndex.inRange(.annotation, from: "?1", to: "?2"), in: replica)
    #expect(byPrefix.contains("INDEX annotations_by_id_prefix"), "\(byPrefix)")
  }

  /// A version 2 replica listed concurrent text edits as conflicts even when they do not
  /// collide; opened by this release, those fields merge and are listed as automatic merges.
  @Test func aVersion2TextConflictThatMergesIsMergedOnOpening() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("alice.sqlite")
    let alice = try Replica.create(at: path, author: "alice")
    let bob = try Replica.create(at: directory.file("bob.sqlite"), author: "bob")
    _ = try alice.importArticles([sampleArticle("Rates")])
    let note = try alice.addNote(
      articleID: Article.id(sourceURL: nil, title: "Rates"), text: "rates rose as expected today")
    try sync(alice, to: bob)
    try alice.editAnnotation(id: note.id, note: "rates rose sharply today", color: nil)
    try bob.editAnnotation(id: note.id, note: "rates rose as expected on Monday", color: nil)
    try sync(bob, to: alice)
    #expect(try alice.automaticMerges().count == 1)

    // Write the record as version 2 did: a value conflict showing the winner.
    let entity = EntityRef.annotation(note.id)
    var row = try #require(try alice.loadRow(entity))
    row.state.mergedFields = []
    row.state.conflictedFields = [Field.note]
    let sites = try alice.sites()
    let winnerDot = try #require(row.state.winner(Field.note)).dot
    let winner = try #require(try alice.changeLog().change(winnerDot))
    try alice.db.run(
      "UPDATE annotations SET state = ?1, note = ?2 WHERE id = ?3",
      try row.state.encoded(siteKey: sites.key(for:)), winner.value?.stringValue ?? "", note.id)
    try alice.db.run("UPDATE conflicts SET kind = 'value'")
    // The search index follows the rows (external content): rebuild it from the row above.
    try alice.db.execute("INSERT INTO annotation_search (annotation_search) VALUES ('rebuild')")
    try alice.db.execute("PRAGMA user_version = 2")
    #expect(try alice.conflictCount() == 1)

    let reopened = try Replica.open(at: path)
    #expect(try reopened.conflictCount() == 0)
    #expect(try reopened.automaticMerges().map(\.merge.value) == ["rates rose sharply on Monday"])
    #expect(try reopened.annotation(id: note.id)?.note == "rates rose sharply on Monday")
    #expect(try reopened.db.scalarInt("PRAGMA user_version") == Int64(ReplicaSchema.latestVersion))
  }

  /// `json` with every `key` removed from its objects, at any depth.
  static func removing(_ key: String, from json: Any) -> Any {
    if let object = json as? [String: Any] {
      return object.filter { $0.key != key }.mapValues { removing(key, from: $0) }
    }
    if let array = json as? [Any] { return array.map { removing(key, from: $0) } }
    return json
  }
}
