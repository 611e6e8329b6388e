import FolioArticles
import FolioModel
import Foundation
import Testing

@testable import FolioReplica

/// `article(id:)` reuses the insights it parsed last only for the very same bytes.
@Suite struct InsightsReuseTests {
  @Test func insightsThatDifferOnlyInNormalizationAreEachTheirOwn() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let replica = try Replica.create(at: directory.file("r.sqlite"), author: "ana")
    let composed = "caf\u{E9}?"
    let decomposed = "cafe\u{301}?"
    #expect(composed == decomposed, "Swift takes the two as equal")
    _ = try replica.importArticles([
      Article(
        title: "Composed", summary: "One.", background: "",
        insights: [Insight(question: composed, points: ["a point"])]),
      Article(
        title: "Decomposed", summary: "Two.", background: "",
        insights: [Insight(question: decomposed, points: ["a point"])]),
    ])
    let articles = try replica.allArticles().sorted { $0.title < $1.title }
    for _ in 0..<2 {
      for article in articles {
        let read = try #require(try replica.article(id: article.id))
        let question = try #require(read.insights.first?.question)
        let expected = article.title == "Composed" ? composed : decomposed
        #expect(
          Array(question.unicodeScalars) == Array(expected.unicodeScalars), "\(article.title)")
      }
    }
  }
}
