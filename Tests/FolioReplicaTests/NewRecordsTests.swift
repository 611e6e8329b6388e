import FolioArticles
import FolioModel
import Testing

@testable import FolioReplica

/// A transaction on an empty table skips looking up records it has not written
/// (`NewRecords`): a record it wrote is found again.
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
}
