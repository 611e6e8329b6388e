import FolioModel
import Testing

@testable import FolioArticles

@Suite struct InlineInsightsTests {
  @Test func cutsAtDashesAfterASentence() {
    #expect(
      InlineInsights.segments(of: "Why? - Because. - Also \"this.\" - And that!")
        == ["Why?", "Because.", "Also \"this.\"", "And that!"])
  }

  @Test func keepsDashesInsideASentence() {
    #expect(
      InlineInsights.segments(of: "Q? - The US - China talks - stalled - again.")
        == ["Q?", "The US - China talks - stalled - again."])
    #expect(
      InlineInsights.segments(of: "tough-on-China post-re-election") == [
        "tough-on-China post-re-election"
      ])
  }

  @Test func splitsAPointFromTheQuestionAfterIt() throws {
    let split = try #require(
      InlineInsights.splitTrailingQuestion(
        #"It could be used in talks. What does the "trade deal," reveal?"#))
    #expect(split.point == "It could be used in talks.")
    #expect(split.question == #"What does the "trade deal," reveal?"#)
  }

  @Test func keepsARunOfQuestionsTogether() throws {
    let split = try #require(InlineInsights.splitTrailingQuestion("Point. Why? And how?"))
    #expect(split.point == "Point.")
    #expect(split.question == "Why? And how?")
  }

  @Test func doesNotSplitAtAbbreviationsOrLowercase() {
    #expect(InlineInsights.splitTrailingQuestion("Will the U.S. Treasury act?") == nil)
    #expect(InlineInsights.splitTrailingQuestion("Ask Mr. Smith why?") == nil)
    #expect(InlineInsights.splitTrailingQuestion("Ask J. Smith why?") == nil)
    #expect(InlineInsights.splitTrailingQuestion("Rates rose 2.5 percent. then what?") == nil)
  }

  @Test func leavesPointsThatAreNoQuestionAlone() {
    #expect(InlineInsights.splitTrailingQuestion("Two sentences. Both statements.") == nil)
    #expect(InlineInsights.splitTrailingQuestion("Only a question?") == nil)
    #expect(InlineInsights.splitTrailingQuestion("Why? Because.") == nil)
  }

  @Test func splitsCJKSentencesWithoutSpaces() throws {
    let split = try #require(InlineInsights.splitTrailingQuestion("监管可能收紧。这会持续多久？"))
    #expect(split.point == "监管可能收紧。")
    #expect(split.question == "这会持续多久？")
  }

  @Test func recognizesSentenceEnds() {
    #expect(InlineInsights.endsSentence("done."))
    #expect(InlineInsights.endsSentence("said “no.”"))
    #expect(!InlineInsights.endsSentence("the US"))
    #expect(!InlineInsights.endsSentence(""))
  }
}
