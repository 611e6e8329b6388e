import FolioModel
import Testing

@testable import FolioArticles

@Suite struct ArticleDraftTests {
  @Test func collectsPartsIntoAnArticle() {
    var draft = ArticleDraft(title: "T")
    draft.add("Source: https://example.com/a")
    draft.add("Source: https://example.com/b")
    draft.add("Tags: x, y")
    draft.add("Tags: y, z")
    draft.add("Lead.")
    draft.part = .summary
    draft.add("Summary.")
    draft.part = .ignored
    draft.add("Dropped.")
    draft.part = .insights
    draft.add("Q? - P.")
    let article = draft.article(markdown: false)
    #expect(article.sourceURL == "https://example.com/a")
    #expect(article.tags == ["x", "y", "z"])
    #expect(article.summary == "Lead.\nSummary.")
    #expect(article.insights == [Insight(question: "Q?", points: ["P."])])
    #expect(article.id == Article.id(sourceURL: "https://example.com/a", title: "T"))
  }
}
