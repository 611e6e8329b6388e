import FolioModel
import Testing

@testable import FolioArticles

@Suite struct InsightsParserTests {
  @Test func fixtureLineGivesThreeQuestionsWithThreePointsEach() throws {
    let line = ArticleLines.split(try Fixtures.alibabaText())[7]
    let insights = InsightsParser.parse([line], markdown: false)
    #expect(insights.map(\.question) == Fixtures.alibabaQuestions)
    #expect(insights.map(\.points) == Fixtures.alibabaPoints)
  }

  @Test func separateLines() {
    let insights = InsightsParser.parse(
      ["Q1?", "- a.", "- b.", "", "Q2?", "- c."], markdown: false)
    #expect(
      insights == [
        Insight(question: "Q1?", points: ["a.", "b."]), Insight(question: "Q2?", points: ["c."]),
      ])
  }

  @Test func mixedForms() {
    let insights = InsightsParser.parse(
      ["Q1? - a. - b. Q2? - c.", "Q3?", "- d. - e."], markdown: false)
    #expect(
      insights == [
        Insight(question: "Q1?", points: ["a.", "b."]), Insight(question: "Q2?", points: ["c."]),
        Insight(question: "Q3?", points: ["d.", "e."]),
      ])
  }

  @Test func aQuestionEndingALineOfPointsStaysAPoint() {
    // Only a segment followed by more points on its line is cut into point + question.
    let insights = InsightsParser.parse(["Q1?", "- Costs rose. Why?"], markdown: false)
    #expect(insights == [Insight(question: "Q1?", points: ["Costs rose. Why?"])])
  }

  @Test func pointsBeforeAnyQuestionGetAnEmptyQuestion() {
    #expect(
      InsightsParser.parse(["- a.", "- b."], markdown: false)
        == [Insight(question: "", points: ["a.", "b."])])
  }

  @Test func markdownQuestionHeadingsAndBoldLines() {
    let insights = InsightsParser.parse(
      ["### First?", "", "- a", "", "**Second?**", "* b", "---", "Third?", "+ c"], markdown: true)
    #expect(
      insights == [
        Insight(question: "First?", points: ["a"]), Insight(question: "Second?", points: ["b"]),
        Insight(question: "Third?", points: ["c"]),
      ])
  }

  @Test func recognizesMarkers() {
    #expect(InsightsParser.bulletBody("- x") == "x")
    #expect(InsightsParser.bulletBody("• x") == "x")
    #expect(InsightsParser.bulletBody("-x") == nil)
    #expect(InsightsParser.boldText("**Why?**") == "Why?")
    #expect(InsightsParser.boldText("**a** and **b**") == nil)
    #expect(InsightsParser.isThematicBreak("- - -"))
    #expect(InsightsParser.isThematicBreak("***"))
    #expect(!InsightsParser.isThematicBreak("--"))
  }
}
