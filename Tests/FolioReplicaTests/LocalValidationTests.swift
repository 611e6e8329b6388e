import FolioModel
import FolioReplica
import Foundation
import Testing

/// A replica's own edits pass the same validator as everything it receives: what it would
/// refuse from a peer (and the server would refuse from it), it never writes.
@Suite("Local edits are validated")
struct LocalValidationTests {
  @Test func anEditBreakingARuleIsRefusedAndWritesNothing() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let replica = try Replica.create(at: directory.file("r.folio"), author: "alice")
    let outcome = try replica.importArticles([sampleArticle("Rules")])
    let note = try replica.addNote(articleID: outcome[0].id, text: "short")
    let before = try ReplicaSnapshot(replica)

    let huge = String(repeating: "x", count: ChangeLimits.standard.maximumValueBytes)
    #expect(throws: ReplicaError.self) { try replica.editAnnotation(id: note.id, note: huge) }
    do {
      try replica.editAnnotation(id: note.id, note: huge)
    } catch {
      #expect("\(error)".contains("invalid-change C7"), "\(error)")
    }
    #expect(try ReplicaSnapshot(replica) == before, "nothing of the refused edit was written")

    let fits = String(repeating: "x", count: ChangeLimits.standard.maximumValueBytes - 2)
    try replica.editAnnotation(id: note.id, note: fits)
    #expect(try replica.annotation(id: note.id)?.note == fits)
  }

  @Test func anArticleWithAnOversizedSummaryIsNotImported() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let replica = try Replica.create(at: directory.file("r.folio"), author: "alice")
    var article = sampleArticle("Too long")
    article.summary = String(repeating: "\u{1}", count: 50_000)  // 300,002 canonical bytes
    #expect(throws: ReplicaError.self) { try replica.importArticles([article]) }
    #expect(try replica.changeCount() == 0)
  }
}
