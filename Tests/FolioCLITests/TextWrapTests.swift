import Testing

@testable import FolioCLI

@Suite struct TextWrapTests {
  @Test func wrapsAtSpacesNeverInsideAWord() {
    let text = "The quick brown fox jumps over the extraordinarily lazy dog again"
    let wrapped = TextWrap.wrap(text, width: 20)
    let lines = wrapped.split(separator: "\n").map(String.init)
    #expect(lines.allSatisfy { $0.count <= 20 })
    #expect(wrapped.replacingOccurrences(of: "\n", with: " ") == text)
    #expect(lines.contains("extraordinarily lazy"))
  }

  @Test func aWordLongerThanTheWidthStaysWhole() {
    let wrapped = TextWrap.wrap("see https://example.org/a/very/long/path now", width: 12)
    #expect(wrapped == "see\nhttps://example.org/a/very/long/path\nnow")
  }

  @Test func continuationLinesKeepTheIndentation() {
    let wrapped = TextWrap.wrap("      one two three four five six", width: 16)
    #expect(wrapped == "      one two\n      three four\n      five six")
  }

  @Test func escapeSequencesTakeNoWidthAndAreClosedAtBreaks() {
    let red = "\u{1B}[31m"
    let reset = "\u{1B}[0m"
    let wrapped = TextWrap.wrap("  aa \(red)bb cc\(reset) dd", width: 8)
    #expect(wrapped == "  aa \(red)bb\(reset)\n  \(red)cc\(reset) dd")
  }

  @Test func wideCharactersCountTwoAndBreakBetween() {
    let wrapped = TextWrap.wrap("小米汽车小米汽车", width: 8)
    #expect(wrapped == "小米汽车\n小米汽车")
  }

  @Test func noWidthMeansNoWrapping() {
    let text = String(repeating: "word ", count: 50)
    #expect(TextWrap.wrap(text, width: nil) == text)
  }
}
