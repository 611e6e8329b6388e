import FolioArticles
import Testing

/// Texts made ready once for several quotes (`QuoteTexts`) find exactly what the article
/// itself gives, and are taken for another article only when it reads the same byte for byte.
@Suite struct QuoteTextsTests {
  private let article = Article(
    title: "Storm ‘Ida’ passes", summary: "The river rose.   The river fell. Café reopens.",
    background: "The river was high in 2021.",
    insights: [Insight(question: "Why?", points: ["The river rose.", "Pumps"])])

  /// Where each quote is found, or why not, worked out by hand from the article's texts.
  private var asks: [(quote: String, section: ArticleSection?, occurrence: Int?, expected: String)]
  {
    [
      ("The river fell", nil, nil, "summary 18..<32"),
      ("the RIVER fell", nil, nil, "summary 18..<32"),
      ("The river rose.  The river", nil, nil, "summary 0..<27"),
      ("river rose", nil, nil, "ambiguous 2"),
      ("river rose", nil, 2, "insights 11..<21"),
      ("river rose", .insights, nil, "insights 11..<21"),
      ("river rose", nil, 9, "no occurrence 9 of 2"),
      ("Storm 'Ida'", nil, nil, "title 0..<11"),
      ("passes The river", nil, nil, "across title summary"),
      ("nowhere", nil, nil, "not found"),
      ("Why?", .title, nil, "not found"),
      ("  ", nil, nil, "empty"),
    ]
  }

  private func describe(_ result: () throws(SelectionError) -> TextSelector) -> String {
    do {
      let selector = try result()
      return "\(selector.section.rawValue) \(selector.start)..<\(selector.end)"
    } catch {
      switch error {
      case .emptyQuote: return "empty"
      case .notFound: return "not found"
      case .ambiguous(_, let places): return "ambiguous \(places.count)"
      case .acrossSections(_, let sections):
        return "across " + sections.map(\.rawValue).joined(separator: " ")
      case .noSuchOccurrence(_, let requested, let count):
        return "no occurrence \(requested) of \(count)"
      }
    }
  }

  @Test func preparedTextsFindWhatTheArticleHolds() {
    let prepared = QuoteTexts(article)
    for ask in asks {
      let direct = describe { () throws(SelectionError) in
        try Anchoring.select(
          quote: ask.quote, in: article, section: ask.section, occurrence: ask.occurrence)
      }
      let reused = describe { () throws(SelectionError) in
        try Anchoring.select(
          quote: ask.quote, in: prepared, section: ask.section, occurrence: ask.occurrence)
      }
      #expect(direct == ask.expected, "\(ask.quote)")
      #expect(reused == ask.expected, "\(ask.quote), with texts used for the quotes before")
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
