import FolioArticles
import FolioModel
import Testing

@testable import FolioReplica

/// A new annotation is returned as built from the changes that made it, not read back: it
/// must equal what the replica shows for it, for every way one is made.
@Suite struct AnnotationReadbackTests {
  @Test func aNewAnnotationIsWhatTheReplicaShows() throws {
    let directory = try TemporaryDirectory()
    let replica = try Replica.create(at: directory.file("a.sqlite"), author: "alice")
    var article = sampleArticle("Ports reopen after the storm")
    article.summary = "The port said: « Ships dock again. » Ships dock again by noon."
    _ = try replica.importArticles([article])
    let made = [
      try replica.highlight(
        articleID: article.id, quote: "The port said", note: "n", color: "blue"),
      try replica.highlight(articleID: article.id, quote: "BACKGROUND OF"),
      try replica.highlight(articleID: article.id, quote: "« Ships dock again. »", note: ""),
      try replica.highlight(
        articleID: article.id, quote: "Ships dock again", occurrence: 2),
      try replica.highlight(
        articleID: article.id, quote: "Another point", note: "two\nlines", section: .insights),
      try replica.addNote(articleID: article.id, text: "Check the memo"),
    ]
    for annotation in made {
      #expect(try replica.annotation(id: annotation.id) == annotation)
    }
    #expect(Set(made.map(\.id)).count == made.count)
  }
}
