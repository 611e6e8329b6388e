import FolioModel
import Testing

@testable import FolioArticles

@Suite struct ArticleHeadingsTests {
  @Test func recognizesTheThreeSections() {
    #expect(ArticleHeadings.section(named: "News Summary") == .summary)
    #expect(ArticleHeadings.section(named: "news summary:  ") == .summary)
    #expect(ArticleHeadings.section(named: "  BACKGROUND") == .background)
    #expect(ArticleHeadings.section(named: "In-Depth AI Insights") == .insights)
    #expect(ArticleHeadings.section(named: "In-depth AI insights :") == .insights)
    #expect(ArticleHeadings.section(named: "**Background**") == .background)
    #expect(ArticleHeadings.section(named: "**Background:**") == .background)
  }

  @Test func otherLinesAreNoHeadings() {
    #expect(ArticleHeadings.section(named: "Title") == nil)
    #expect(ArticleHeadings.section(named: "") == nil)
    #expect(ArticleHeadings.section(named: "Background: the war began in 2022.") == nil)
    #expect(ArticleHeadings.section(named: "Background.") == nil)
    #expect(ArticleHeadings.section(named: "Highlights") == nil)
  }
}
