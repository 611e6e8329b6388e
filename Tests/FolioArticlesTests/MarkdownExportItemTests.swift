import FolioModel
import Testing

@testable import FolioArticles

@Suite struct MarkdownExportItemTests {
  private let article = Article(title: "T", summary: "Alpha beta gamma.", background: "Delta.")

  private func highlight(
    _ id: String, _ section: ArticleSection, _ start: Int, created: UInt64, article: String? = nil
  ) -> Annotation {
    Annotation(
      id: id,
      target: AnnotationTarget(
        article: article ?? self.article.id, kind: .highlight,
        selector: TextSelector(
          section: section, exact: "q\(id)", prefix: "", suffix: "", start: start, end: start + 1)),
      note: "n\(id)", color: "blue", tags: ["t"], author: "alice", created: created)
  }

  @Test func ordersHighlightsByPlaceAndMarksOrphans() {
    let annotations = [
      highlight("4", .background, 0, created: 1),
      highlight("2", .summary, 6, created: 5),
      highlight("1", .summary, 0, created: 9),
      highlight("3", .summary, 3, created: 2),
      highlight("9", .summary, 0, created: 1, article: "other"),
      Annotation(
        id: "n2", target: AnnotationTarget(article: article.id, kind: .note), note: "second",
        author: "bob", created: 20),
      Annotation(
        id: "n1", target: AnnotationTarget(article: article.id, kind: .note), note: "first",
        author: "bob", created: 10),
    ]
    let item = MarkdownExportItem(article: article, annotations: annotations, orphans: ["3"])
    #expect(item.highlights.map(\.quote) == ["q1", "q2", "q4", "q3"])
    #expect(item.highlights.map(\.orphan) == [false, false, false, true])
    #expect(
      item.highlights.first
        == .init(
          quote: "q1", section: .summary, note: "n1", color: "blue", tags: ["t"], author: "alice",
          created: 9))
    #expect(item.notes.map(\.text) == ["first", "second"])
  }

  @Test func aHighlightWithoutSelectorIsAnOrphan() {
    let annotation = Annotation(
      id: "x", target: AnnotationTarget(article: article.id, kind: .highlight), author: "a",
      created: 0)
    let item = MarkdownExportItem(article: article, annotations: [annotation])
    #expect(item.highlights == [.init(quote: "", author: "a", created: 0, orphan: true)])
  }
}
