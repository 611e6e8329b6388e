import FolioArticles
import FolioModel
import Testing

/// A selector's canonical text, written straight from its fields, is exactly the canonical
/// encoding of its JSON value, whatever its strings hold.
@Suite struct TextSelectorJSONTests {
  static let awkward = [
    "", "plain words", "a \"quoted\" word", "back\\slash", "tab\there", "new\nline",
    "\u{0}\u{1}\u{1f}\u{7f}", "Köln 🌧️ “river”", "e\u{301} (not in NFC)", "\u{2028}\u{2029}",
    "</script>", "emoji 👩‍👩‍👧 family",
  ]

  @Test(arguments: ArticleSection.allCases)
  func theFieldsWrittenInOrderAreTheValuesCanonicalText(section: ArticleSection) {
    var random = SystemRandomNumberGenerator()
    for _ in 0..<200 {
      let selector = TextSelector(
        section: section, exact: Self.awkward.randomElement(using: &random) ?? "",
        prefix: Self.awkward.randomElement(using: &random) ?? "",
        suffix: Self.awkward.randomElement(using: &random) ?? "",
        start: Int.random(in: 0...1_000_000, using: &random),
        end: Int.random(in: 0...Int(Int32.max), using: &random))
      #expect(selector.canonicalText == selector.jsonValue.canonicalText, "\(selector)")
    }
  }
}
