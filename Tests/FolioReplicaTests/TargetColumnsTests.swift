import FolioArticles
import FolioModel
import Testing

@testable import FolioReplica

/// The columns of a target this replica sets are built from the target itself, not parsed
/// back from the change's value: both must show the same.
@Suite struct TargetColumnsTests {
  @Test func columnsBuiltFromATargetEqualThoseParsedFromItsChange() throws {
    var random = SplitMix64(seed: 7)
    let texts = [
      "", "plain", "quote \"marks\" and \\ slash", "tab\tnew\nline", "é ü 漢字 🙂", "\u{1}",
    ]
    func text() -> String { texts[Int(random.next() % UInt64(texts.count))] }
    for round in 0..<500 {
      let selector =
        round % 4 == 0
        ? nil
        : TextSelector(
          section: ArticleSection.allCases[
            Int(random.next() % UInt64(ArticleSection.allCases.count))], exact: text(),
          prefix: text(), suffix: text(), start: Int(random.next() % 1_000),
          end: Int(random.next() % 1_000) + 1_000)
      let target = AnnotationTarget(
        article: "a\(round)", kind: selector == nil ? .note : .highlight, selector: selector,
        created: round % 3 == 0 ? random.next() % 2_000_000_000_000 : nil,
        creator: round % 5 == 0 ? text() : nil)
      let change = Change(
        site: SiteID.random(), seq: 1,
        hlc: HybridTimestamp(milliseconds: 1_700_000_000_000, counter: 0),
        author: "alice", entity: .annotation("n\(round)"), field: Field.target, op: .set,
        value: target.jsonValue)
      #expect(TargetColumns(target, of: change) == TargetColumns(change), "\(target)")
    }
  }
}
