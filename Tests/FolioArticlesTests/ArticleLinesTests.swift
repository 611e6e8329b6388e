import FolioModel
import Testing

@testable import FolioArticles

@Suite struct ArticleLinesTests {
  @Test func splitsAtEveryKindOfLineBreakAndTrimsTrailingSpace() {
    #expect(ArticleLines.split("a  \r\nb\t\rc\n\nd") == ["a", "b", "c", "", "d"])
    #expect(ArticleLines.split("  indented  ") == ["  indented"])
    #expect(ArticleLines.split("") == [""])
  }

  @Test func joinsAndTrimsSections() {
    #expect(ArticleLines.joined(["", "one", "", "two", ""]) == "one\n\ntwo")
  }

  @Test func measuresIndentation() {
    #expect(ArticleLines.indentation(of: "  - x") == 2)
    #expect(ArticleLines.indentation(of: "\tx") == 1)
    #expect(ArticleLines.indentation(of: "x") == 0)
  }

  @Test func trimsOneSide() {
    #expect(" a b ".trimmingTrailingWhitespace() == " a b")
    #expect(" a b ".trimmingLeadingWhitespace() == "a b ")
    #expect("   ".trimmingLeadingWhitespace() == "")
  }
}
