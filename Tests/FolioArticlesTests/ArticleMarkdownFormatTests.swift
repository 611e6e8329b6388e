import FolioModel
import Testing

@testable import FolioArticles

@Suite struct ArticleMarkdownFormatTests {
  @Test func readsTitleMetadataSectionsAndInsights() throws {
    let markdown = """
      # Alibaba denies FT report

      Source: https://www.scmp.com/tech/article/1
      Published: 2025-11-15
      Tags: china, tech

      ## News Summary

      Alibaba denied the report.
      It called it "malicious".

      ## Background

      Tensions have grown.

      ## In-Depth AI Insights

      ### What are the implications?

      - Trust is low.
      - Controls may tighten.

      **What does the denial reveal?**

      - Awareness of the stakes.

      How should investors react?
      - Price the risk.
      """
    let articles = try ArticleMarkdownFormat.parse(markdown)
    #expect(
      articles == [
        Article(
          title: "Alibaba denies FT report", sourceURL: "https://www.scmp.com/tech/article/1",
          published: "2025-11-15",
          summary: "Alibaba denied the report.\nIt called it \"malicious\".",
          background: "Tensions have grown.",
          insights: [
            Insight(
              question: "What are the implications?",
              points: ["Trust is low.", "Controls may tighten."]),
            Insight(question: "What does the denial reveal?", points: ["Awareness of the stakes."]),
            Insight(question: "How should investors react?", points: ["Price the risk."]),
          ], tags: ["china", "tech"])
      ])
  }

  @Test func skipsOtherSectionsAndReadsSeveralArticles() throws {
    let markdown = """
      # First
      - **Source:** <https://example.com/1>
      ## Background
      B1.
      ## Highlights
      > a quote
      - Note: mine
      # Second #
      ## Metadata
      - Tags: x
      ## News Summary
      S2.
      ### A subheading stays text
      ---
      """
    let articles = try ArticleMarkdownFormat.parse(markdown)
    #expect(
      articles == [
        Article(title: "First", sourceURL: "https://example.com/1", background: "B1."),
        Article(title: "Second", summary: "S2.\n### A subheading stays text", tags: ["x"]),
      ])
  }

  @Test func crlfAndAByteOrderMark() throws {
    let markdown = "\u{FEFF}# T  \r\n\r\n## News Summary\r\nS.  \r\n"
    #expect(try ArticleParser.parse(Array(markdown.utf8)) == [Article(title: "T", summary: "S.")])
  }

  @Test func noTitleIsRefused() {
    #expect(throws: ArticleParseError("no title found")) {
      try ArticleMarkdownFormat.parse("## News Summary\nS.")
    }
    #expect(throws: ArticleParseError("no title found")) { try ArticleMarkdownFormat.parse("#\n") }
    #expect(throws: ArticleParseError("no title found")) {
      try ArticleMarkdownFormat.parse("# Good\n# \n")
    }
  }

  @Test func renderLeavesOutEmptySections() {
    let markdown = ArticleMarkdownFormat.render(
      Article(title: "T", summary: "S.", insights: [Insight(question: "Q?", points: ["P."])]))
    #expect(
      markdown == """
        # T

        ## News Summary

        S.

        ## In-Depth AI Insights

        ### Q?

        - P.

        """)
  }

  @Test func renderThenParseRoundTrips() throws {
    let articles = [
      Fixtures.alibabaArticle,
      Article(title: "Only a title"),
      Article(
        title: "Ünïcödé ‘quotes’ 🚀 & <tags>", sourceURL: "https://example.com/x",
        published: "2025-06-01", summary: "Line one.\n\n**Line** three.", background: "B.",
        insights: [
          Insight(question: "Multi-line\nquestion?", points: ["A point\nover two lines.", "B."]),
          Insight(question: "No points?", points: []),
        ], tags: ["one", "two"]),
    ]
    for article in articles {
      let markdown = ArticleMarkdownFormat.render(article)
      #expect(try ArticleMarkdownFormat.parse(markdown) == [article])
      #expect(try ArticleParser.parse(Array(markdown.utf8)) == [article])
    }
  }
}
