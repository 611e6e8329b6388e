import FolioArticles
import FolioModel
import FolioSQLite
import Foundation

/// Writes a Folio JSON export holding `count` generated articles, to import many changes
/// with one command.
func writeGeneratedArticles(count: Int, seed: Int, to path: String) throws {
  var articles: [ExportedArticle] = []
  for index in 0..<count {
    let article = Article(
      title: "Generated article \(seed)-\(index)",
      summary: "Summary \(index): markets moved on news of the \(seed) accord.",
      background: "Background \(index) with enough words to index and search.",
      insights: [
        Insight(question: "Why \(index)?", points: ["Because \(seed).", "And \(index)."])
      ],
      tags: ["gen\(index % 7)"])
    articles.append(ExportedArticle(article: article, annotations: []))
  }
  let data = try JSONEncoder().encode(FolioExport(articles: articles))
  try data.write(to: URL(fileURLWithPath: path))
}

/// SQLite's integrity check of a database file ("ok" when sound).
func integrityCheck(_ path: String) throws -> String {
  let db = try Connection(path: path, readOnly: true)
  return try db.firstRow("PRAGMA integrity_check") { $0.string(0) } ?? "no answer"
}
