import FolioArticles
import Testing

/// Texts made ready once for several quotes (`QuoteTexts`) find exactly what the article
/// itself gives, and are taken for another article only when it reads the same byte for byte.
@Suite struct QuoteTextsTests {
  private let article = Article(
    title: "Storm ‘Ida’ passes", summary: "The river rose.   The river fell. Café reopens.",
    background: "The river was high in 2021.",
    insights: [Insight(question: "Why?", points: ["The river rose.", "Pumps"])])

  private func outcome(
    _ result: () throws(SelectionError) -> TextSelector
  ) -> Result<TextSelector, SelectionError> {
    do { return .success(try result()) } catch { return .failure(error) }
  }

  @Test func preparedTextsSelectWhatTheArticleSelects() {
    let prepared = QuoteTexts(article)
    let asks: [(String, ArticleSection?, Int?)] = [
      ("The river fell", nil, nil), ("the RIVER fell", nil, nil), ("river rose", nil, nil),
      ("river rose", nil, 3), ("river rose", .insights, nil), ("Pumps", nil, nil),
      ("café", nil, nil), ("Storm 'Ida'", nil, nil), ("passes The river", nil, nil),
      ("nowhere", nil, nil), ("  ", nil, nil), ("river rose", nil, 9), ("Why?", .title, nil),
    ]
    for (quote, section, occurrence) in asks {
      let direct = outcome { () throws(SelectionError) in
        try Anchoring.select(quote: quote, in: article, section: section, occurrence: occurrence)
      }
      let reused = outcome { () throws(SelectionError) in
        try Anchoring.select(quote: quote, in: prepared, section: section, occurrence: occurrence)
      }
      #expect(direct == reused, "\(quote)")
    }
  }

  @Test func textsAreReusedOnlyForAnArticleThatReadsTheSame() {
    let prepared = QuoteTexts(article)
    #expect(prepared.areAll(of: article))
    var copy = article
    copy.id = "another-id"
    copy.tags = ["weather"]
    #expect(prepared.areAll(of: copy), "id and tags are not searched")

    var edits: [Article] = []
    for change in 0..<6 {
      var edited = article
      switch change {
      case 0: edited.title += "!"
      case 1: edited.summary = "The river rose. The river fell. Café reopens."
      case 2: edited.background = ""
      case 3: edited.insights[0].question = "Why not?"
      case 4: edited.insights[0].points.append("More")
      default: edited.summary = "The river rose.   The river fell. Cafe\u{301} reopens."
      }
      edits.append(edited)
    }
    #expect(edits[5].summary == article.summary, "canonically equivalent, so == cannot tell")
    for (index, edited) in edits.enumerated() {
      #expect(!prepared.areAll(of: edited), "edit \(index)")
    }
    #expect(!QuoteTexts(article, sections: [.summary]).areAll(of: article), "not every section")
  }
}
