import FolioArticles
import FolioModel
import FolioSQLite
import Testing

@testable import FolioReplica

/// Merging skips looking up records a table that was empty has not been given
/// (`NewRecords`): a record written earlier is found again, and a row another connection
/// wrote is found too.
@Suite struct NewRecordsTests {
  /// Records made and then changed in one batch on a fresh replica: each later change finds
  /// the row the first wrote (a second insert would break the table's unique ids).
  @Test func aRecordWrittenEarlierInTheTransactionIsFoundAgain() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let replica = try Replica.create(at: directory.file("r.sqlite"), author: "ana")
    let notes = try replica.batch { () -> [String] in
      _ = try replica.importArticles((0..<3).map { sampleArticle("fresh \($0)") })
      var notes: [String] = []
      for article in try replica.allArticles() {
        let note = try replica.addNote(articleID: article.id, text: "first")
        try replica.editAnnotation(id: note.id, note: "second")
        try replica.tag(.article(article.id), adding: ["kept"], removing: [])
        notes.append(note.id)
      }
      return notes
    }
    #expect(notes.count == 3)
    for id in notes { #expect(try replica.annotation(id: id)?.note == "second") }
    #expect(try replica.allArticles().map(\.tags) == [["kept"], ["kept"], ["kept"]])
  }

  /// Another connection's commit ends what the replica knew of new records: a row it wrote
  /// (here copied by hand from one the replica wrote) is found, not taken for new.
  @Test func anotherConnectionsCommitStartsAfresh() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("r.sqlite")
    let replica = try Replica.create(at: path, author: "ana")
    _ = try replica.importArticles([sampleArticle("first")])
    do {
      let other = try Connection(path: path)
      try other.execute(
        """
        INSERT INTO articles (id, visible, state, tags, title, source_url, published, summary,
          background, insights)
        SELECT 'copied', visible, state, tags, title, source_url, published, summary,
          background, insights FROM articles
        """)
    }
    try replica.tag(.article("copied"), adding: ["seen"], removing: [])
    #expect(try replica.article(id: "copied")?.tags == ["seen"])
  }
}
