import Testing

@testable import FolioArticles

@Suite struct AnnotationIDTests {
  /// Two given words, each written as its eight bytes lowest first, in lowercase hex.
  struct TwoWords: RandomNumberGenerator {
    var words: [UInt64]
    mutating func next() -> UInt64 { words.removeFirst() }
  }

  @Test func anIdIsTheHexOfTwoWordsLowestByteFirst() {
    var generator = TwoWords(words: [0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210])
    #expect(AnnotationID.make(using: &generator) == "efcdab89674523011032547698badcfe")
  }

  @Test func idsAreThirtyTwoLowercaseHexDigits() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<100 {
      let id = AnnotationID.make(using: &generator)
      #expect(id.utf8.count == 32)
      #expect(id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
    }
  }
}
