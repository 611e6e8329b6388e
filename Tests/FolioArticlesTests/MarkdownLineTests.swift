import FolioModel
import Testing

@testable import FolioArticles

@Suite struct MarkdownLineTests {
  @Test(arguments: [
    ("# Title", 1, "Title"), ("## Background ##", 2, "Background"), ("### Why C#?", 3, "Why C#?"),
    ("#", 1, ""), ("##\tTabbed", 2, "Tabbed"),
  ])
  func readsATXHeadings(line: String, level: Int, text: String) throws {
    let heading = try #require(MarkdownLine.heading(line))
    #expect(heading.level == level)
    #expect(heading.text == text)
  }

  @Test func otherLinesAreNoHeadings() {
    #expect(MarkdownLine.heading("#hashtag") == nil)
    #expect(MarkdownLine.heading("####### seven") == nil)
    #expect(MarkdownLine.heading("text") == nil)
  }
}
