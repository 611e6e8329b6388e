import FolioModel
import Foundation
import Testing

@testable import FolioArticles

@Suite struct ArticleJSONFormatTests {
  private func parse(_ json: String) throws(ArticleParseError) -> [Article] {
    try ArticleParser.parse(Array(json.utf8))
  }

  @Test func readsOneArticleAndKeepsItsId() throws {
    let json = """
      {"id": "given-id", "title": "T", "sourceURL": "https://example.com/t", "published": null,
       "summary": "S.", "background": "B.", "insights": [{"question": "Q?", "points": ["P."]}],
       "tags": ["a"]}
      """
    #expect(
      try parse(json) == [
        Article(
          id: "given-id", title: "T", sourceURL: "https://example.com/t", summary: "S.",
          background: "B.", insights: [Insight(question: "Q?", points: ["P."])], tags: ["a"])
      ])
  }

  @Test func derivesAMissingOrEmptyId() throws {
    let articles = try parse(
      #"[{"title": "A"}, {"id": "", "title": "B", "insights": [{"question": "Q?"}]}]"#)
    #expect(
      articles == [
        Article(title: "A"), Article(title: "B", insights: [Insight(question: "Q?", points: [])]),
      ])
    #expect(articles.first?.id == Article.id(sourceURL: nil, title: "A"))
    #expect(try parse("[]") == [])
  }

  @Test func readsAFolioExportAndIgnoresItsAnnotations() throws {
    let article = Article(id: "abc", title: "T", summary: "S.", tags: ["x"])
    let annotation = Annotation(
      id: "0190000000000000000000000000000a", target: AnnotationTarget(article: "abc", kind: .note),
      note: "N", author: "alice", created: 1_700_000_000_000)
    let export = FolioExport(articles: [
      ExportedArticle(article: article, annotations: [annotation], conflicts: ["title"]),
      ExportedArticle(article: Fixtures.alibabaArticle, annotations: []),
    ])
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    let bytes = [UInt8](try encoder.encode(export))
    #expect(try ArticleParser.parse(bytes) == [article, Fixtures.alibabaArticle])
  }

  @Test func exportRoundTripsThroughJSON() throws {
    let articles = [
      Fixtures.alibabaArticle,
      Article(
        title: "Ünïcödé 🚀", sourceURL: "https://example.com/u", published: "2025-06-01",
        summary: " kept as is \n", insights: [Insight(question: "Q", points: [])], tags: ["t"]),
      Article(id: "custom-id", title: "Custom"),
    ]
    let export = FolioExport(
      articles: articles.map { ExportedArticle(article: $0, annotations: []) })
    let bytes = [UInt8](try JSONEncoder().encode(export))
    #expect(try ArticleParser.parse(bytes) == articles)
    let single = [UInt8](try JSONEncoder().encode(Fixtures.alibabaArticle))
    #expect(try ArticleParser.parse(single) == [Fixtures.alibabaArticle])
    let list = [UInt8](try JSONEncoder().encode(articles))
    #expect(try ArticleParser.parse(list) == articles)
  }

  @Test(arguments: [
    (
      "{ not json",
      "invalid JSON: expected a key in double quotes but found 'n' at line 1, column 3"
    ),
    ("{\"title\": \"T\",}", "invalid JSON: trailing comma before '}' at line 1, column 15"),
    ("[{\"title\": \"T\"}", "invalid JSON: unexpected end of the file: expected ',' or ']'"),
    ("{\"summary\": \"S.\"}", "invalid article JSON: missing \"title\" at the top level"),
    (
      "[{\"title\": \"A\"}, {\"title\": 7}]", "invalid article JSON: expected a string at [1].title"
    ),
    ("{\"title\": null}", "invalid article JSON: expected a string, found null at title"),
    (
      "{\"title\": \"T\", \"insights\": [{\"points\": []}]}",
      "invalid article JSON: missing \"question\" at insights[0]"
    ),
    ("{\"title\": \"T\", \"tags\": \"a\"}", "invalid article JSON: expected an array at tags"),
    ("[1]", "invalid article JSON: expected an object at [0]"),
    (
      "{\"format\": \"folio-export\", \"version\": 1, \"articles\": [{\"article\": {}}]}",
      "invalid article JSON: missing \"title\" at articles[0].article"
    ),
    (
      "{\"format\": \"other\", \"articles\": []}",
      "unknown JSON format \"other\" (Folio reads \"folio-export\")"
    ),
    (
      "{\"format\": \"folio-export\", \"version\": 3, \"articles\": []}",
      "this folio-export is version 3; this Folio reads versions up to 2"
    ),
    ("{\"title\": \"  \"}", "no title found"),
    ("[{\"title\": \"A\"}, {\"title\": \"\"}]", "article 2 of 2: no title found"),
  ])
  func refusesBadJSONWithAReason(json: String, reason: String) {
    #expect(throws: ArticleParseError(reason)) { try parse(json) }
  }
}
