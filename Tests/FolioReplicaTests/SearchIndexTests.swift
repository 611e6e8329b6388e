import FolioArticles
import FolioModel
import Testing

@testable import FolioReplica

/// The search index is brought up to date when it is searched, not at every merge: what a
/// search finds must still be exactly what the records show, however many edits, deletes
/// and restores came between two searches.
@Suite struct SearchIndexTests {
  /// FTS5's own check that each index holds exactly the text its rows show (for external
  /// content, it compares the index with what the content view reads).
  static func checkIndex(_ replica: Replica) throws {
    try replica.db.execute(
      "INSERT INTO article_search (article_search) VALUES ('integrity-check')")
    try replica.db.execute(
      "INSERT INTO annotation_search (annotation_search) VALUES ('integrity-check')")
  }

  static func titles(_ replica: Replica, _ query: String) throws -> [String] {
    try replica.search(query).map(\.title).sorted()
  }

  @Test func aMergeOnlyListsTheRecordAndTheNextSearchIndexesIt() throws {
    let directory = try TemporaryDirectory()
    let replica = try Replica.create(at: directory.file("a.sqlite"), author: "alice")
    _ = try replica.importArticles([sampleArticle("Tariffs rise again")])
    #expect(try replica.db.scalarInt("SELECT count(*) FROM search_pending") == 1)
    #expect(try replica.db.scalarInt("SELECT count(*) FROM article_search_docsize") == 0)
    #expect(try Self.titles(replica, "tariffs") == ["Tariffs rise again"])
    #expect(try replica.db.scalarInt("SELECT count(*) FROM search_pending") == 0)
    #expect(try replica.updateSearchIndex() == 0, "nothing left to index")
    try Self.checkIndex(replica)
  }

  @Test func editsBetweenSearchesShowTheLatestTextOnly() throws {
    let directory = try TemporaryDirectory()
    let replica = try Replica.create(at: directory.file("a.sqlite"), author: "alice")
    let article = sampleArticle("Tariffs rise again")
    _ = try replica.importArticles([article])
    let note = try replica.addNote(articleID: article.id, text: "first draft")
    #expect(try Self.titles(replica, "tariffs") == ["Tariffs rise again"])
    #expect(try replica.search("draft").count == 1)
    // Indexed records edited twice before the next search, pending ones edited again.
    for title in ["Quotas fall", "Quotas fall sharply"] {
      var edited = sampleArticle(title)
      edited.id = article.id
      try replica.editArticle(id: article.id, to: edited)
      try replica.editAnnotation(id: note.id, note: "\(title) note")
    }
    #expect(try Self.titles(replica, "tariffs").isEmpty)
    #expect(try Self.titles(replica, "sharply") == ["Quotas fall sharply", "Quotas fall sharply"])
    #expect(try replica.search("draft").isEmpty)
    try Self.checkIndex(replica)
  }

  @Test func deletedAndRestoredRecordsLeaveAndReturn() throws {
    let directory = try TemporaryDirectory()
    let replica = try Replica.create(at: directory.file("a.sqlite"), author: "alice")
    let kept = sampleArticle("Harbour strike ends")
    let gone = sampleArticle("Tariffs rise again")
    _ = try replica.importArticles([kept, gone])
    let note = try replica.addNote(articleID: kept.id, text: "tariffs matter here")
    // Deleted while still pending: never indexed.
    try replica.deleteArticle(id: gone.id)
    #expect(try Self.titles(replica, "tariffs") == ["Harbour strike ends"])
    try Self.checkIndex(replica)
    // Deleted once indexed: its entry goes at once; restored: it comes back.
    try replica.deleteAnnotation(id: note.id)
    try Self.checkIndex(replica)
    #expect(try Self.titles(replica, "tariffs").isEmpty)
    try replica.restore(.article(gone.id))
    try replica.restore(.annotation(note.id))
    #expect(try Self.titles(replica, "tariffs") == ["Harbour strike ends", "Tariffs rise again"])
    try Self.checkIndex(replica)
  }

  @Test func changesFromElsewhereAreFoundAfterTheApply() throws {
    let directory = try TemporaryDirectory()
    let alice = try Replica.create(at: directory.file("a.sqlite"), author: "alice")
    let bob = try Replica.create(at: directory.file("b.sqlite"), author: "bob")
    let article = sampleArticle("Tariffs rise again")
    _ = try alice.importArticles([article])
    try sync(alice, to: bob)
    #expect(try Self.titles(bob, "tariffs") == ["Tariffs rise again"])
    var edited = sampleArticle("Quotas fall")
    edited.id = article.id
    try alice.editArticle(id: article.id, to: edited)
    try sync(alice, to: bob)
    #expect(try Self.titles(bob, "tariffs").isEmpty)
    #expect(try Self.titles(bob, "quotas") == ["Quotas fall"])
    try Self.checkIndex(bob)
  }
}
