import FolioModel
import Testing

@Suite("Text merge")
struct TextMergeTests {
  @Test func tokensAreWordsSpacesAndSingleSymbols() {
    #expect(
      TextTokens.split("Rates rose 70%,  as expected.") == [
        "Rates", " ", "rose", " ", "70", "%", ",", "  ", "as", " ", "expected", ".",
      ])
    #expect(TextTokens.split("") == [])
    #expect(TextTokens.split("don't") == ["don", "'", "t"])
  }

  @Test func scriptsWithoutSpacesSplitIntoCharacters() {
    #expect(TextTokens.split("央行维持利率") == ["央", "行", "维", "持", "利", "率"])
    #expect(TextTokens.split("データ2件") == ["デ", "ー", "タ", "2", "件"])
    #expect(TextTokens.split("Рост цен") == ["Рост", " ", "цен"])
  }

  @Test func marksStayWithTheirLetter() {
    let decomposed = "cafe\u{301} au lait"
    #expect(TextTokens.split(decomposed) == ["cafe\u{301}", " ", "au", " ", "lait"])
    #expect(TextTokens.split("\u{301}a") == ["\u{301}", "a"])
    #expect(TextTokens.split("!\u{301}x") == ["!\u{301}", "x"])
  }

  @Test func tokensJoinToTheText() {
    for text in ["  a\tb\n\nc  ", "é—ü 😀👍🏽 x", "混合 text, 1.5%"] {
      #expect(TextTokens.split(text).joined() == text)
    }
  }

  @Test func disjointEditsMerge() {
    let base = "Growth slowed as expected. Inflation eased to 70% in May."
    let alice = "Growth slowed sharply. Inflation eased to 70% in May."
    let bob = "Growth slowed as expected. Inflation eased to 60% in May."
    let merged = "Growth slowed sharply. Inflation eased to 60% in May."
    #expect(TextMerge.merge(base: base, versions: [alice, bob]) == merged)
    #expect(TextMerge.merge(base: base, versions: [bob, alice]) == merged)
  }

  @Test func overlappingEditsDoNotMerge() {
    let base = "Inflation eased to 70% in May."
    #expect(
      TextMerge.merge(
        base: base,
        versions: ["Inflation eased to 65% in May.", "Inflation eased to 60% in May."]) == nil)
  }

  @Test func equalEditsCountOnce() {
    let base = "one two three four"
    #expect(
      TextMerge.merge(base: base, versions: ["one 2 three four", "one 2 three 4"])
        == "one 2 three 4")
  }

  @Test func insertionsAtOnePointCollide() {
    #expect(TextMerge.merge(base: "a b", versions: ["a x b", "a y b"]) == nil)
    #expect(TextMerge.merge(base: "a b", versions: ["a x b", "a x b"]) == "a x b")
  }

  @Test func insertionTouchingAReplacementCollides() {
    // Bob inserts right before the word Alice replaced: which text comes first?
    #expect(TextMerge.merge(base: "a b c", versions: ["a B c", "a xb c"]) == nil)
    // Adjacent replacements of different words merge.
    #expect(TextMerge.merge(base: "a b", versions: ["A b", "a B"]) == "A B")
  }

  @Test func deletingASentenceCollidesWithAnEditInIt() {
    let base = "First point. Second point here. Third point."
    let alice = "First point. Third point."
    let bob = "First point. Second point there. Third point."
    #expect(TextMerge.merge(base: base, versions: [alice, bob]) == nil)
  }

  @Test func threeVersionsMergeWhateverTheirOrder() {
    let base = "alpha beta gamma delta epsilon"
    let versions = [
      "ALPHA beta gamma delta epsilon", "alpha beta GAMMA delta epsilon",
      "alpha beta gamma delta EPSILON",
    ]
    let merged = "ALPHA beta GAMMA delta EPSILON"
    for order in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
      #expect(TextMerge.merge(base: base, versions: order.map { versions[$0] }) == merged)
    }
  }

  @Test func whitespaceEditsAreEdits() {
    let base = "one  two three"
    #expect(TextMerge.merge(base: base, versions: ["one two three", "one  two 3"]) == "one two 3")
    #expect(TextMerge.merge(base: base, versions: ["one two three", "one   two three"]) == nil)
  }

  @Test func chineseEditsMergeByCharacter() {
    let base = "央行维持利率不变，通胀回落。"
    let alice = "央行下调利率，通胀回落。"
    let bob = "央行维持利率不变，通胀上升。"
    #expect(TextMerge.merge(base: base, versions: [alice, bob]) == "央行下调利率，通胀上升。")
  }

  @Test func theDiffIsTheSpecifiedOne() {
    var diff = TextDiff()
    let base = diff.tokenIDs("a b a")
    let version = diff.tokenIDs("a")
    // Common prefix "a", then the middle " b a" is deleted as one edit.
    #expect(
      TextDiff.edits(from: base, to: version) == [TextEdit(start: 1, end: 5, replacement: [])])
    #expect(TextDiff.edits(from: base, to: base).isEmpty)
  }
}
