import FolioModel
import Testing

@testable import FolioArticles

@Suite struct MarkdownExportTests {
  private let article = Article(
    title: "Alibaba denies FT report", sourceURL: "https://example.com/alibaba",
    published: "2025-11-15", summary: "Alibaba denied the report.", background: "Tensions grew.",
    insights: [Insight(question: "Why?", points: ["Trust.", "Trade."])], tags: ["china"])

  private var item: MarkdownExportItem {
    MarkdownExportItem(
      article: article,
      highlights: [
        .init(
          quote: "Alibaba denied\nthe report", section: .summary,
          note: "Key claim.\n# not a heading",
          color: "yellow", tags: ["claims", "pla"], author: "alice", created: 1_700_000_000_000),
        .init(
          quote: "a passage since edited", author: "bob", created: 1_700_000_060_000, orphan: true),
      ],
      notes: [
        .init(
          text: "Follow up on the FT.\n\n## Not a section", tags: ["todo"], author: "bob",
          created: 1_700_000_120_000)
      ])
  }

  @Test func rendersArticleHighlightsAndNotes() {
    #expect(
      MarkdownExport.render([item]) == """
        # Alibaba denies FT report

        - Source: https://example.com/alibaba
        - Published: 2025-11-15
        - Tags: china

        ## News Summary

        Alibaba denied the report.

        ## Background

        Tensions grew.

        ## In-Depth AI Insights

        ### Why?

        - Trust.
        - Trade.

        ## Highlights

        > Alibaba denied
        > the report

        - Note: Key claim.
          \\# not a heading
        - Tags: claims, pla
        - Color: yellow
        - Section: News Summary
        - By alice, 2023-11-14 22:13:20 UTC

        > a passage since edited

        - Orphan: this passage is no longer found in the article
        - By bob, 2023-11-14 22:14:20 UTC

        ## Notes

        ### bob, 2023-11-14 22:15:20 UTC

        Follow up on the FT.

        \\## Not a section

        - Tags: todo

        """)
  }

  @Test func importingTheExportGivesBackTheArticles() throws {
    let second = MarkdownExportItem(article: Fixtures.alibabaArticle)
    let markdown = MarkdownExport.render([item, second])
    #expect(try ArticleParser.parse(Array(markdown.utf8)) == [article, Fixtures.alibabaArticle])
  }

  @Test func anEmptyExportIsEmpty() {
    #expect(MarkdownExport.render([]) == "")
  }
}
