import FolioModel
import Testing

@testable import FolioArticles

@Suite struct ArticleTextFormatTests {
  @Test func fixtureParsesToItsTitleSectionsAndInsights() throws {
    let articles = try ArticleParser.parse(try Fixtures.alibabaBytes())
    #expect(articles.count == 1)
    let article = try #require(articles.first)

    #expect(article.title == Fixtures.alibabaTitle)
    #expect(article.sourceURL == nil)
    #expect(article.published == nil)
    #expect(article.tags.isEmpty)
    #expect(article.id == Article.id(sourceURL: nil, title: Fixtures.alibabaTitle))

    #expect(article.summary.hasPrefix("Alibaba Group Holding on Saturday denied"))
    #expect(article.summary.hasSuffix(#"transferred "zero-day" vulnerabilities to the PLA."#))
    #expect(article.summary == Fixtures.alibabaSummary)
    #expect(article.background.hasPrefix("US-China tensions over technology"))
    #expect(article.background.hasSuffix("a focal point for Western regulators and media."))
    #expect(article.background == Fixtures.alibabaBackground)

    #expect(article.insights.count == 3)
    #expect(article.insights.map(\.question) == Fixtures.alibabaQuestions)
    #expect(article.insights.map(\.points.count) == [3, 3, 3])
    #expect(article.insights.map(\.points) == Fixtures.alibabaPoints)
    #expect(article == Fixtures.alibabaArticle)
  }

  @Test func fixtureKeepsCurlyAndStraightQuotesAsWritten() throws {
    let article = try ArticleTextFormat.parse(try Fixtures.alibabaText())
    #expect(article.title.contains("firm’s"))
    #expect(article.title.contains("‘completely false’"))
    #expect(article.summary.contains("China’s military"))
    #expect(article.summary.contains("company's support"))
  }

  @Test func crlfAndTrailingSpacesGiveTheSameArticle() throws {
    let text = try Fixtures.alibabaText()
    let crlf = ArticleLines.split(text).map { $0 + "  \t" }.joined(separator: "\r\n") + "\r\n"
    #expect(crlf.utf8.contains(0x0D))
    #expect(try ArticleTextFormat.parse(crlf) == Fixtures.alibabaArticle)
    let oldMac = ArticleLines.split(text).joined(separator: "\r")
    #expect(try ArticleTextFormat.parse(oldMac) == Fixtures.alibabaArticle)
  }

  @Test func headingsMatchInAnyCaseWithColonsAndSpaces() throws {
    let text = """
      Title here

      NEWS SUMMARY:\u{20}\u{20}
      The summary.
      background :
      The background.
      in-depth ai insights
      Why?
      - Because.
      """
    let article = try ArticleTextFormat.parse(text)
    #expect(article.summary == "The summary.")
    #expect(article.background == "The background.")
    #expect(article.insights == [Insight(question: "Why?", points: ["Because."])])
  }

  @Test func insightsOnSeparateLines() throws {
    let lines =
      [Fixtures.alibabaTitle, "", "News Summary", Fixtures.alibabaSummary]
      + ["Background", Fixtures.alibabaBackground, "In-Depth AI Insights"]
      + zip(Fixtures.alibabaQuestions, Fixtures.alibabaPoints).flatMap { question, points in
        [question] + points.map { "- " + $0 }
      }
    let article = try ArticleTextFormat.parse(lines.joined(separator: "\n"))
    #expect(article == Fixtures.alibabaArticle)
  }

  @Test func indentedBulletsAndContinuationLines() throws {
    let text = """
      Title
      In-Depth AI Insights
      What next?
        - First point
          that wraps.
        * Second point.
      And then?
      • Third point.
      """
    let article = try ArticleTextFormat.parse(text)
    #expect(
      article.insights == [
        Insight(question: "What next?", points: ["First point\nthat wraps.", "Second point."]),
        Insight(question: "And then?", points: ["Third point."]),
      ])
  }

  @Test func missingSectionsAreEmpty() throws {
    let noBackground = try ArticleTextFormat.parse(
      "A title\nNews Summary\nJust a summary.\nIn-Depth AI Insights\nQ? - A.")
    #expect(noBackground.summary == "Just a summary.")
    #expect(noBackground.background == "")
    #expect(noBackground.insights == [Insight(question: "Q?", points: ["A."])])

    let noInsights = try ArticleTextFormat.parse(
      "A title\n\nNews Summary\nS.\n\nBackground\nB.\n")
    #expect(noInsights.insights.isEmpty)
    #expect(noInsights.background == "B.")

    let titleOnly = try ArticleTextFormat.parse("\n\n  A title  \n\n")
    #expect(titleOnly == Article(title: "A title"))
  }

  @Test func multiLineSectionsKeepTheirLineBreaks() throws {
    let article = try ArticleTextFormat.parse(
      "T\nNews Summary\n\nFirst paragraph.\n\nSecond paragraph.  \n\nBackground\nB.")
    #expect(article.summary == "First paragraph.\n\nSecond paragraph.")
  }

  @Test func nonLatinTextAndEmoji() throws {
    let text = """
      阿里巴巴否认《金融时报》关于其与解放军有关联的报道 🚫📰
      News Summary
      阿里巴巴集团周六否认了英国《金融时报》的报道。😡
      Background
      Сведения о компании: «Алибаба» — крупнейшая.
      In-Depth AI Insights
      这对投资者意味着什么？ - 风险溢价上升。 - 监管可能收紧。这会持续多久？ - 难以预料。
      """
    let article = try ArticleTextFormat.parse(text)
    #expect(article.title == "阿里巴巴否认《金融时报》关于其与解放军有关联的报道 🚫📰")
    #expect(article.summary == "阿里巴巴集团周六否认了英国《金融时报》的报道。😡")
    #expect(article.background == "Сведения о компании: «Алибаба» — крупнейшая.")
    #expect(
      article.insights == [
        Insight(question: "这对投资者意味着什么？", points: ["风险溢价上升。", "监管可能收紧。"]),
        Insight(question: "这会持续多久？", points: ["难以预料。"]),
      ])
  }

  @Test func metadataLinesAfterTheTitle() throws {
    let text = """
      Alibaba denies report
      Source: https://www.scmp.com/tech/article/1
      Published: 2025-11-15
      Tags: china, tech, #alibaba

      News Summary
      Summary.
      """
    let article = try ArticleTextFormat.parse(text)
    #expect(article.sourceURL == "https://www.scmp.com/tech/article/1")
    #expect(article.published == "2025-11-15")
    #expect(article.tags == ["china", "tech", "alibaba"])
    #expect(article.summary == "Summary.")
    #expect(article.id == Article.id(sourceURL: "https://www.scmp.com/tech/article/1", title: ""))
  }

  @Test func textBeforeTheFirstHeadingOpensTheSummary() throws {
    let article = try ArticleTextFormat.parse(
      "Title\nURL: https://example.com/a\nSource: Reuters\nA lead paragraph.\n\nNews Summary\nMore."
    )
    #expect(article.sourceURL == "https://example.com/a")
    #expect(article.summary == "Source: Reuters\nA lead paragraph.\n\nMore.")
  }

  @Test func aHeadingFirstIsNoTitle() {
    #expect(throws: ArticleParseError("no title found")) {
      try ArticleTextFormat.parse("News Summary\nText.")
    }
    #expect(throws: ArticleParseError("no title found")) {
      try ArticleTextFormat.parse("Source: https://example.com\n\n")
    }
  }

  @Test func renderWritesQuestionsAndBulletsOnSeparateLines() {
    let text = ArticleTextFormat.render(
      Article(
        title: "T", sourceURL: "https://example.com/t", published: "2025-01-02",
        summary: "S.", background: "B.",
        insights: [Insight(question: "Q?", points: ["P one.", "P two."])], tags: ["a", "b"]))
    #expect(
      text == """
        T
        Source: https://example.com/t
        Published: 2025-01-02
        Tags: a, b

        News Summary
        S.

        Background
        B.

        In-Depth AI Insights
        Q?
        - P one.
        - P two.

        """)
  }

  @Test func renderThenParseRoundTrips() throws {
    let articles = [
      Fixtures.alibabaArticle,
      Article(title: "Only a title"),
      Article(
        title: "Ünïcödé ‘quotes’ 🚀", sourceURL: "https://example.com/x", published: "2025-06-01",
        summary: "Line one.\n\nLine three.", background: "",
        insights: [
          Insight(question: "Multi-line\nquestion?", points: ["A point\nover two lines.", "B."]),
          Insight(question: "No points?", points: []),
        ], tags: ["one", "two"]),
    ]
    for article in articles {
      #expect(try ArticleTextFormat.parse(ArticleTextFormat.render(article)) == article)
      #expect(try ArticleParser.parse(Array(ArticleTextFormat.render(article).utf8)) == [article])
    }
  }
}
