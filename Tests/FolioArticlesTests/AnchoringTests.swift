import FolioArticles
import FolioModel
import Testing

private let summaryLead = "Der Sturm zog über Köln 🌧️ hinweg; 東京でも雨. "
private let summary =
  summaryLead + "The city’s “new barriers” held back the river on Tuesday night, officials said. "
  + "Residents were told to stay indoors until the water receded."

private func article(
  summary: String = summary,
  background: String =
    "The barriers were built after the 2021 floods. Engineers said the barriers held "
    + "because they were raised early. The project cost 40 million euros."
) -> Article {
  Article(
    title: "Flood barriers hold as the storm 🌊 passes", summary: summary, background: background,
    insights: [
      Insight(
        question: "Why did the barriers hold?",
        points: ["They were raised twelve hours before the peak.", "Pumps kept the water low."])
    ])
}

/// The text of `section` at `range` (scalar offsets).
private func text(_ article: Article, _ section: ArticleSection, _ range: Range<Int>?) -> String? {
  guard let range else { return nil }
  let scalars = Array(article.text(of: section).unicodeScalars)
  guard range.lowerBound >= 0, range.upperBound <= scalars.count else { return nil }
  var result = ""
  result.unicodeScalars.append(contentsOf: scalars[range])
  return result
}

private func select(_ quote: String, in article: Article = article()) throws -> TextSelector {
  try Anchoring.select(quote: quote, in: article)
}

extension String {
  /// The string with the first occurrence of `target` replaced.
  fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
    replacing(target, with: replacement, maxReplacements: 1)
  }
}

@Suite struct SelectTests {
  @Test func selectsTheOneOccurrenceWithScalarOffsets() throws {
    let selector = try select("held back the river")
    let before = summaryLead + "The city’s “new barriers” "
    let start = before.unicodeScalars.count
    // The emoji and the non-Latin text make scalar, UTF-16 and character counts differ.
    #expect(start != before.count)
    #expect(start != before.utf16.count)
    #expect(selector.section == .summary)
    #expect(selector.exact == "held back the river")
    #expect(selector.start == start)
    #expect(selector.end == start + 19)
    let scalars = Array(summary.unicodeScalars)
    var prefix = ""
    let context = Anchoring.contextLength
    prefix.unicodeScalars.append(contentsOf: scalars[max(0, start - context)..<start])
    #expect(selector.prefix == prefix)
    var suffix = ""
    suffix.unicodeScalars.append(
      contentsOf: scalars[(start + 19)..<min(scalars.count, start + 19 + context)])
    #expect(selector.suffix == suffix)
    #expect(selector.suffix.hasPrefix(" on Tuesday night, officials said."))
  }

  @Test func contextIsShorterAtTheEdgesOfASection() throws {
    let first = try select("Der Sturm")
    #expect(first.start == 0)
    #expect(first.prefix.isEmpty)
    let last = try select("water receded.")
    #expect(last.suffix.isEmpty)
    #expect(last.end == summary.unicodeScalars.count)
  }

  @Test func trimsAndToleratesWhiteSpaceAndQuoteStyles() throws {
    let selector = try select("  The city's \"new   barriers\"\n held ")
    #expect(selector.exact == "The city’s “new barriers” held")
    #expect(selector.start == summaryLead.unicodeScalars.count)

    // A quote across the lines of the insights text.
    let insight = try select("hold? - They were raised")
    #expect(insight.section == .insights)
    #expect(insight.exact == "hold?\n- They were raised")
    #expect(insight.start == 21)
  }

  @Test func anyWhiteSpaceMatchesAnyWhiteSpace() throws {
    let spaces = (0...0x3000).compactMap(Unicode.Scalar.init).filter(\.properties.isWhitespace)
    #expect(spaces.count == 25)
    for space in spaces {
      var text = "alpha"
      text.unicodeScalars.append(space)
      text += "\t beta gamma"
      let found = try Anchoring.select(quote: "alpha beta", in: article(summary: text))
      #expect(found.exact.unicodeScalars.count == 12)
    }
    // A zero-width space is not white space.
    #expect(throws: SelectionError.notFound(quote: "alpha beta")) {
      try Anchoring.select(quote: "alpha beta", in: article(summary: "alpha\u{200B}beta"))
    }
  }

  @Test func ambiguousQuoteListsEveryPlaceInReadingOrder() throws {
    do throws(SelectionError) {
      _ = try Anchoring.select(quote: "barriers", in: article())
      Issue.record("an ambiguous quote was accepted")
    } catch {
      guard case .ambiguous(let quote, let places) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(quote == "barriers")
      #expect(places.count == 5)
      #expect(places.map(\.section).first == .title && places.map(\.section).last == .insights)
      #expect(places.allSatisfy { $0.excerpt.contains("[barriers]") })
      #expect(error.description.contains("--occurrence N"))
    }
  }

  @Test func occurrenceChoosesOnePlace() throws {
    let all = (1...5).map {
      try? Anchoring.select(quote: "barriers", in: article(), occurrence: $0)
    }
    #expect(all.allSatisfy { $0 != nil })
    #expect(Set(all.compactMap { $0.map { "\($0.section)\($0.start)" } }).count == 5)
    #expect(throws: SelectionError.noSuchOccurrence(quote: "barriers", requested: 6, count: 5)) {
      try Anchoring.select(quote: "barriers", in: article(), occurrence: 6)
    }
  }

  @Test func aQuoteInAnotherCaseIsFoundAndSaidSo() throws {
    let text = "Patches for zero-day vulnerabilities came late."
    let selector = try Anchoring.select(
      quote: "ZERO-DAY VULNERABILITIES", in: article(summary: text))
    #expect(selector.exact == "zero-day vulnerabilities")
    #expect(Anchoring.differsOnlyInCase(quote: "ZERO-DAY VULNERABILITIES", exact: selector.exact))
    #expect(!Anchoring.differsOnlyInCase(quote: "zero-day vulnerabilities", exact: selector.exact))
  }

  @Test func aQuoteAcrossSectionsSaysSo() {
    let crossing = Article(
      title: "T", summary: "The summary ends here.", background: "The background starts here.")
    #expect(
      throws: SelectionError.acrossSections(
        quote: "ends here. The background", sections: [.summary, .background])
    ) { try Anchoring.select(quote: "ends here. The background", in: crossing) }
  }

  @Test func sectionNarrowsTheSearch() throws {
    let selector = try Anchoring.select(quote: "barriers", in: article(), section: .insights)
    #expect(selector.section == .insights)
    #expect(selector.start == 12)
    #expect(throws: SelectionError.notFound(quote: "Der Sturm")) {
      try Anchoring.select(quote: "Der Sturm", in: article(), section: .background)
    }
  }

  @Test func notFoundAndEmptyQuotes() {
    #expect(throws: SelectionError.notFound(quote: "the dam burst")) {
      try select(" the dam burst ")
    }
    #expect(throws: SelectionError.emptyQuote) { try select(" \n\t ") }
  }
}

@Suite struct AnchorTests {
  let quote = "held back the river on Tuesday night"

  @Test func unchangedTextIsExact() throws {
    let original = article()
    let selector = try select(quote, in: original)
    let anchor = Anchoring.anchor(selector, in: original)
    #expect(
      anchor == Anchor(state: .exact, section: .summary, range: selector.start..<selector.end))
  }

  @Test func textInsertedBeforeMovesTheRange() throws {
    let selector = try select(quote)
    let edited = article(summary: "UPDATE 🚨: " + summary)
    let anchor = Anchoring.anchor(selector, in: edited)
    #expect(anchor.state == .moved)
    #expect(anchor.section == .summary)
    #expect(anchor.range == (selector.start + 10)..<(selector.end + 10))
    #expect(text(edited, .summary, anchor.range) == quote)
  }

  @Test func aChangedWordIsAFuzzyMatch() throws {
    let selector = try select(quote)
    let edited = article(summary: summary.replacingFirst("the river", with: "the Rhine"))
    let anchor = Anchoring.anchor(selector, in: edited)
    #expect(anchor.state == .fuzzy)
    #expect(text(edited, .summary, anchor.range) == "held back the Rhine on Tuesday night")
  }

  @Test func aChangedFirstWordUsesThePrefix() throws {
    let selector = try select(quote)
    let edited = article(summary: summary.replacingFirst("held back", with: "stopped back"))
    let anchor = Anchoring.anchor(selector, in: edited)
    #expect(anchor.state == .fuzzy)
    #expect(text(edited, .summary, anchor.range) == "stopped back the river on Tuesday night")
  }

  @Test func aQuoteStartingMidWordStaysMidWord() throws {
    let selector = try select("eld back the river on Tuesday night")
    let edited = article(summary: summary.replacingFirst("the river", with: "the Rhine"))
    let anchor = Anchoring.anchor(selector, in: edited)
    #expect(anchor.state == .fuzzy)
    #expect(text(edited, .summary, anchor.range) == "eld back the Rhine on Tuesday night")
  }

  @Test func aChangedLastWordUsesTheSuffix() throws {
    let selector = try select(quote)
    let edited = article(summary: summary.replacingFirst("Tuesday night", with: "Tuesday evening"))
    let anchor = Anchoring.anchor(selector, in: edited)
    #expect(anchor.state == .fuzzy)
    #expect(text(edited, .summary, anchor.range) == "held back the river on Tuesday evening")
  }

  @Test func straightenedQuotesStillAnchor() throws {
    let selector = try select("The city’s “new barriers” held")
    let edited = article(
      summary: summary.replacingFirst("city’s “new barriers”", with: "city's \"new barriers\""))
    let anchor = Anchoring.anchor(selector, in: edited)
    #expect(anchor.state == .fuzzy)
    #expect(text(edited, .summary, anchor.range) == "The city's \"new barriers\" held")
  }

  @Test func removedQuoteIsAnOrphan() throws {
    let selector = try select(quote)
    let edited = article(
      summary: summaryLead + "Residents were told to stay indoors until the water receded.")
    #expect(
      Anchoring.anchor(selector, in: edited)
        == Anchor(state: .orphan, section: .summary, range: nil))
  }

  @Test func quoteMovedToAnotherSection() throws {
    let selector = try select(quote)
    let edited = article(
      summary: summaryLead + "Residents were told to stay indoors.",
      background: "On Tuesday the barriers " + quote + ".")
    let anchor = Anchoring.anchor(selector, in: edited)
    #expect(anchor == Anchor(state: .moved, section: .background, range: 24..<60))
  }

  @Test func twoOccurrencesPreferTheMatchingContext() throws {
    let selector = try select(quote)
    // A copy lands near the old position, in other words; the original moved further on.
    let filler = String(repeating: "x", count: selector.start) + " "
    let inserted = filler + quote + ", as the river rose and rose. It rained all week long. "
    let edited = article(summary: inserted + summary)
    #expect(text(edited, .summary, (selector.start + 1)..<(selector.end + 1)) == quote)
    let anchor = Anchoring.anchor(selector, in: edited)
    let shift = inserted.unicodeScalars.count
    #expect(anchor.state == .moved)
    #expect(anchor.range == (selector.start + shift)..<(selector.end + shift))
  }

  @Test func twoOccurrencesWithTheSameContextPreferTheNearest() throws {
    let selector = try select(quote)
    let edited = article(summary: "Update: " + summary + " " + summary)
    let anchor = Anchoring.anchor(selector, in: edited)
    #expect(anchor.state == .moved)
    #expect(anchor.range == (selector.start + 8)..<(selector.end + 8))
  }

  @Test func longQuoteInALongSectionIsSearchedInAWindow() throws {
    let sentences = (0..<60).map { "Sentence \($0) talks about flood number \($0 * 7) in detail." }
    let long = sentences.joined(separator: " ")
    let quote = sentences[20...34].joined(separator: " ")
    let original = article(summary: long)
    let selector = try Anchoring.select(quote: quote, in: original, section: .summary)
    #expect(selector.exact.unicodeScalars.count * long.unicodeScalars.count > 1_000_000)

    let edited = article(
      summary: "Preface. " + long.replacingFirst("flood number 175", with: "storm number 175"))
    let anchor = Anchoring.anchor(selector, in: edited)
    #expect(anchor.state == .fuzzy)
    #expect(
      text(edited, .summary, anchor.range)
        == quote.replacingFirst("flood number 175", with: "storm number 175"))
  }

  @Test func anchoringIsDeterministic() throws {
    let selector = try select(quote)
    let edited = article(summary: summary.replacingFirst("the river", with: "the Rhine"))
    let first = Anchoring.anchor(selector, in: edited)
    for _ in 0..<5 { #expect(Anchoring.anchor(selector, in: edited) == first) }
  }
}
