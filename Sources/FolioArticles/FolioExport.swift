import FolioModel

/// The document `folio export --format json` writes and `folio import` reads back.
///
/// Keys are written sorted, records sorted by id, so two replicas with the same state
/// export byte-identical files.
public struct FolioExport: Codable, Equatable, Sendable {
  public static let formatName = "folio-export"
  public static let currentVersion = 1

  public var format: String
  public var version: Int
  public var articles: [ExportedArticle]

  public init(articles: [ExportedArticle]) {
    self.format = FolioExport.formatName
    self.version = FolioExport.currentVersion
    self.articles = articles
  }
}

/// One article with its annotations, as exported.
public struct ExportedArticle: Codable, Equatable, Sendable {
  public var article: Article
  public var annotations: [Annotation]
  /// Fields of the article (or "annotationID.field") currently in conflict.
  public var conflicts: [String]

  public init(article: Article, annotations: [Annotation], conflicts: [String] = []) {
    self.article = article
    self.annotations = annotations
    self.conflicts = conflicts
  }
}
