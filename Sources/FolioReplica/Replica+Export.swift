import FolioArticles
import FolioModel
import FolioSQLite

extension Replica {
  /// The library as one document: articles by id, each with its annotations by id and the
  /// fields in conflict. Two replicas with the same changes export the same document.
  ///
  /// - Parameter ids: Restrict to these articles (full ids); nil for all.
  /// - Returns: The export document.
  /// - Throws: `ReplicaError` saying what went wrong; nothing is changed then.
  public func export(articleIDs ids: [String]? = nil) throws(ReplicaError) -> FolioExport {
    var articles: [Article] = []
    if let ids {
      for id in ids.sorted() { if let article = try article(id: id) { articles.append(article) } }
    } else {
      articles = try allArticles()
    }
    var exported: [ExportedArticle] = []
    for article in articles {
      let annotations = try annotations(ofArticle: article.id).sorted { $0.id < $1.id }
      var conflicts = try conflictedFields(of: .article(article.id))
      for annotation in annotations {
        conflicts += try conflictedFields(of: .annotation(annotation.id)).map {
          "\(annotation.id).\($0)"
        }
      }
      exported.append(
        ExportedArticle(article: article, annotations: annotations, conflicts: conflicts))
    }
    return FolioExport(articles: exported)
  }
}
