import FolioArticles
import FolioModel
import Testing

private let trial = Article(
  title: "Trial",
  summary: "The regimen was tested in three cities. "
    + "In Nairobi, 89.9% of patients who completed treatment were cured. "
    + "In Lima, 92.3% of patients who completed treatment were cured. "
    + "Side effects were reported in 3.4% of participants, mostly mild. "
    + "The researchers said the regimen was not yet suitable for children, because doses "
    + "for them had not been tested.")

private func replacing(_ target: String, with replacement: String) -> Article {
  var article = trial
  article.summary = article.summary.replacing(target, with: replacement, maxReplacements: 1)
  return article
}

@Suite struct ReanchoringTests {
  @Test func aDeletedSentenceDoesNotLandOnItsParallelNeighbour() throws {
    let edited = replacing(
      "In Nairobi, 89.9% of patients who completed treatment were cured. ", with: "")
    for quote in [
      "In Nairobi, 89.9% of patients who completed treatment were cured.",
      "89.9% of patients who completed treatment", "In Nairobi",
    ] {
      let selector = try Anchoring.select(quote: quote, in: trial)
      #expect(Anchoring.anchor(selector, in: edited).state == .orphan, "\(quote)")
    }
    let lima = try Anchoring.select(quote: "In Lima, 92.3%", in: trial)
    #expect(Anchoring.anchor(lima, in: edited).text(in: edited) == "In Lima, 92.3%")
  }

  @Test func aShortFigureCorrectedInPlaceLands() throws {
    let edited = replacing("3.4%", with: "4.3%")
    let selector = try Anchoring.select(quote: "3.4%", in: trial)
    let anchor = Anchoring.anchor(selector, in: edited)
    #expect(anchor.state == .fuzzy)
    #expect(anchor.text(in: edited) == "4.3%")
  }

  @Test func aChangedFigureWithoutItsNeighboursIsNotTheSamePassage() throws {
    // The sentence is rewritten around a different figure: the figure differs, and so do
    // the neighbours, so it is not a correction in place.
    let edited = replacing(
      "Side effects were reported in 3.4% of participants, mostly mild. ",
      with: "Side effects were reported in 5.1% of the children enrolled later. ")
    let selector = try Anchoring.select(
      quote: "Side effects were reported in 3.4% of participants", in: trial)
    #expect(Anchoring.anchor(selector, in: edited).state == .orphan)
  }

  @Test func aTrimmedClauseAnchorsTheSurvivingPartAsPartial() throws {
    let edited = replacing(
      ", because doses for them had not been tested.", with: ".")
    let selector = try Anchoring.select(
      quote: "The researchers said the regimen was not yet suitable for children, because doses "
        + "for them had not been tested.", in: trial)
    let anchor = Anchoring.anchor(selector, in: edited)
    #expect(anchor.state == .partial)
    #expect(
      anchor.text(in: edited)?.hasPrefix(
        "The researchers said the regimen was not yet suitable for children") == true)
    let cut = try Anchoring.select(quote: "because doses for them had not been tested", in: trial)
    #expect(Anchoring.anchor(cut, in: edited).state == .orphan)
  }

  @Test func aDroppedNegationIsNotTheSamePassage() throws {
    let edited = replacing("was not yet suitable", with: "was suitable")
    let selector = try Anchoring.select(quote: "the regimen was not yet suitable", in: trial)
    // Both neighbours are unchanged: a correction in place, shown as fuzzy, never exact.
    let anchor = Anchoring.anchor(selector, in: edited)
    #expect(anchor.state == .fuzzy)
    #expect(anchor.text(in: edited) == "the regimen was suitable")
    // Moved elsewhere without its neighbours, the negated sentence is not found.
    var moved = trial
    moved.summary = "Unrelated opening. The regimen was suitable for adults."
    #expect(Anchoring.anchor(selector, in: moved).state == .orphan)
  }

  @Test func reportSaysWhichHighlightsMovedChangedOrWereOrphaned() throws {
    func highlight(_ id: String, _ quote: String) throws -> Annotation {
      Annotation(
        id: id,
        target: AnnotationTarget(
          article: trial.id, kind: .highlight,
          selector: try Anchoring.select(quote: quote, in: trial)),
        author: "ana", created: 0)
    }
    let annotations = [
      try highlight("1", "tested in three cities"),
      try highlight("2", "In Lima, 92.3%"),
      try highlight("3", "In Nairobi, 89.9%"),
      try highlight("4", "3.4%"),
      Annotation(
        id: "5", target: AnnotationTarget(article: trial.id, kind: .note), note: "n",
        author: "ana", created: 0),
    ]
    let edited = Article(
      title: trial.title,
      summary: trial.summary.replacing(
        "In Nairobi, 89.9% of patients who completed treatment were cured. ", with: ""
      ).replacing("3.4%", with: "4.3%"))
    let changes = ReanchorReport.changes(from: trial, to: edited, annotations: annotations)
    #expect(changes.map(\.annotationID) == ["2", "3", "4"])
    #expect(changes.map(\.kind) == [.moved, .orphaned, .changed])
    #expect(changes[1].textBefore == "In Nairobi, 89.9%")
    #expect(changes[1].textAfter == nil)
    #expect(changes[2].textAfter == "4.3%")
  }
}
