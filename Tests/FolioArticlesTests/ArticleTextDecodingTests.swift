import FolioModel
import Testing

@testable import FolioArticles

@Suite struct ArticleTextDecodingTests {
  @Test func decodesUTF8AndDropsTheByteOrderMark() throws {
    #expect(try ArticleTextDecoding.text(from: Array("Tïtle 🚀".utf8)) == "Tïtle 🚀")
    #expect(try ArticleTextDecoding.text(from: [0xEF, 0xBB, 0xBF, 0x41]) == "A")
  }

  @Test func validatesUTF8() {
    #expect(ArticleTextDecoding.isValidUTF8(Array("ok ✓ 😀".utf8)[...]))
    #expect(!ArticleTextDecoding.isValidUTF8([0xE2, 0x9C][...]))
    #expect(!ArticleTextDecoding.isValidUTF8([0x80][...]))
  }

  @Test func aFewControlCharactersAreNotBinary() {
    let long = String(repeating: "Plain text. ", count: 20) + "\u{07}"
    #expect(!ArticleTextDecoding.looksBinary(long))
    #expect(!ArticleTextDecoding.looksBinary("Tabs\tand\u{0C}page breaks\r\n"))
    #expect(ArticleTextDecoding.looksBinary("Short\u{01}"))
    #expect(ArticleTextDecoding.looksBinary("x" + String(repeating: "\u{1B}", count: 40)))
  }
}
