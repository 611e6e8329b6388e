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

/// `highlight` keeps the texts it searched for the next quote: once the article's text
/// changes, a quote is found in the new text.
@Suite struct HighlightAfterAnEditTests {
  @Test func aQuoteIsFoundInTheArticleAsItNowReads() throws {
    let directory = try TemporaryDirectory()
    let replica = try Replica.create(at: directory.file("a.sqlite"), author: "alice")
    var article = sampleArticle("Bridge reopens")
    article.summary = "The bridge reopened on Monday."
    _ = try replica.importArticles([article])
    let first = try replica.highlight(articleID: article.id, quote: "reopened")
    #expect(first.target.selector?.start == 11)

    article.summary = "After repairs, the bridge reopened on Monday."
    #expect(try replica.importArticles([article]).first?.status == .updated)
    let second = try replica.highlight(articleID: article.id, quote: "reopened")
    #expect(second.target.selector?.start == 26)
    #expect(second.target.selector?.prefix.hasSuffix("the bridge ") == true)
  }

  /// In a batch, the article read for the first highlight is kept for the next ones; an
  /// import that rewrites it must drop that copy.
  @Test func aBatchFindsTheQuoteInTheArticleAsItNowReads() throws {
    let directory = try TemporaryDirectory()
    let replica = try Replica.create(at: directory.file("a.sqlite"), author: "alice")
    var article = sampleArticle("Bridge reopens")
    article.summary = "The bridge reopened on Monday."
    let (first, second) = try replica.batch {
      _ = try replica.importArticles([article])
      let first = try replica.highlight(articleID: article.id, quote: "reopened")
      article.summary = "After repairs, the bridge was reopened on Monday."
      _ = try replica.importArticles([article])
      let second = try replica.highlight(articleID: article.id, quote: "was reopened")
      return (first, second)
    }
    #expect(first.target.selector?.start == 11)
    #expect(second.target.selector?.start == 26)
    #expect(try replica.article(id: article.id)?.summary == article.summary)
  }
}

@Suite struct RandomWordPoolTests {
  @Test func wordsDoNotRepeatAcrossRefills() {
    var pool = RandomWordPool()
    let words = (0..<2_000).map { _ in pool.next() }
    #expect(Set(words).count == words.count)
    #expect(words.filter { $0 == 0 }.count <= 1)
  }

  @Test func twoPoolsDrawDifferentWords() {
    var first = RandomWordPool()
    var second = RandomWordPool()
    #expect((0..<4).map { _ in first.next() } != (0..<4).map { _ in second.next() })
  }
}
