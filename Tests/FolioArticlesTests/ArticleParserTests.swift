import FolioModel
import Testing

@testable import FolioArticles

@Suite struct ArticleParserTests {
  private func parse(_ text: String) throws(ArticleParseError) -> [Article] {
    try ArticleParser.parse(Array(text.utf8))
  }

  @Test func detectsTheFormat() {
    #expect(ArticleFormat.detect("{\"title\": \"x\"}") == .json)
    #expect(ArticleFormat.detect("  \n[ {\"title\": \"x\"} ]") == .json)
    #expect(ArticleFormat.detect("[]") == .json)
    #expect(ArticleFormat.detect("[2025] not JSON but says so") == .json)
    #expect(ArticleFormat.detect("[Exclusive] Alibaba denies report\nNews Summary") == .text)
    #expect(ArticleFormat.detect("\n\n# Title\n## News Summary") == .markdown)
    #expect(ArticleFormat.detect("## News Summary") == .markdown)
    #expect(ArticleFormat.detect("#") == .markdown)
    #expect(ArticleFormat.detect("#hashtag title\nNews Summary") == .text)
    #expect(ArticleFormat.detect("Title\n# not first") == .text)
  }

  @Test func aByteOrderMarkIsSkipped() throws {
    let withBOM = [0xEF, 0xBB, 0xBF] + (try Fixtures.alibabaBytes())
    #expect(try ArticleParser.parse(withBOM) == [Fixtures.alibabaArticle])
    #expect(
      try ArticleParser.parse([0xEF, 0xBB, 0xBF] + Array("# T\n".utf8)) == [Article(title: "T")])
  }

  @Test func emptyFilesAreRefused() {
    for bytes: [UInt8] in [[], [0xEF, 0xBB, 0xBF], Array(" \n\t\r\n \u{00A0}".utf8)] {
      #expect(throws: ArticleParseError("the file is empty")) { try ArticleParser.parse(bytes) }
    }
  }

  @Test func bytesThatAreNotUTF8AreRefused() {
    let notUTF8: [[UInt8]] = [
      [0x54, 0x69, 0x74, 0x6C, 0x65, 0x0A, 0xC3, 0x28],  // "Title\n" + a broken sequence
      [0xFF, 0xFF, 0x41],
      Array("Title\n".utf8) + [0x00] + Array("News Summary".utf8),
      [0xC0, 0xAF],  // overlong "/"
      [0xED, 0xA0, 0x80],  // a surrogate
    ]
    for bytes in notUTF8 {
      #expect(throws: ArticleParseError("the file is not UTF-8 text")) {
        try ArticleParser.parse(bytes)
      }
    }
    let utf16: [UInt8] = [0xFF, 0xFE, 0x54, 0x00, 0x69, 0x00]
    #expect(throws: ArticleParseError("the file is not UTF-8 text (it looks like UTF-16)")) {
      try ArticleParser.parse(utf16)
    }
  }

  @Test func binaryLookingFilesAreRefused() {
    let bytes = Array("Title\n".utf8) + [UInt8](repeating: 0x01, count: 40) + Array("x".utf8)
    #expect(
      throws: ArticleParseError(
        "the file looks binary (it is full of control characters), not text")
    ) { try ArticleParser.parse(bytes) }
  }

  @Test func aTextWithoutTitleIsRefused() {
    for text in ["News Summary\nSomething.", "# \n## News Summary\nS.", "## Background\nB."] {
      #expect(throws: ArticleParseError("no title found")) { try parse(text) }
    }
  }

  @Test func titlesLongerThanAThousandCharactersAreRefused() throws {
    let longest = String(repeating: "é", count: 1_000)
    #expect(try parse(longest + "\nNews Summary\nS.").first?.title == longest)
    let tooLong = String(repeating: "a", count: 1_234)
    let expected = ArticleParseError(
      "the title is too long (1,234 characters; at most 1,000): is this really an article?")
    #expect(throws: expected) { try parse(tooLong) }
    #expect(throws: expected) { try parse("# " + tooLong) }
    #expect(throws: expected) { try parse("{\"title\": \"\(tooLong)\"}") }
  }

  @Test func malformedJSONIsNamed() {
    #expect(
      throws: ArticleParseError(
        "invalid JSON: expected a key in double quotes but found 'n' at line 1, column 3")
    ) { try parse("{ not json") }
  }

  @Test func eachFormatIsRouted() throws {
    #expect(try parse("T\nNews Summary\nS.") == [Article(title: "T", summary: "S.")])
    #expect(try parse("# T\n## News Summary\nS.") == [Article(title: "T", summary: "S.")])
    #expect(
      try parse("{\"title\": \"T\", \"summary\": \"S.\"}") == [Article(title: "T", summary: "S.")])
  }

  @Test func groupsDigitsByThousands() {
    #expect(ArticleParser.groupedDigits(7) == "7")
    #expect(ArticleParser.groupedDigits(1_000) == "1,000")
    #expect(ArticleParser.groupedDigits(1_234_567) == "1,234,567")
  }
}
