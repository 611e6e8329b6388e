import FolioModel

/// The library as one document, which `folio export --format json` writes and `folio import`
/// reads back.
///
/// Its `Codable` form is version 1 of the file, which `import` still reads; `folio export`
/// writes version 2, whose article and annotation objects are those of `show --json`
/// (Protocol/cli-schemas/export.schema.json). Keys are written sorted, records sorted by
/// id, so two replicas with the same state export byte-identical files.
public struct FolioExport: Codable, Equatable, Sendable {
  public static let formatName = "folio-export"
  /// The newest version `import` reads (and `folio export` writes).
  public static let currentVersion = 2

  public var format: String
  public var version: Int
  public var articles: [ExportedArticle]

  public init(articles: [ExportedArticle]) {
    self.format = FolioExport.formatName
    self.version = 1
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

/// What an import file holds: articles and, from an export, their annotations.
public struct ImportDocument: Equatable, Sendable {
  public var articles: [Article]
  /// Annotations with their ids, authors and times, each naming its article.
  public var annotations: [Annotation]

  public init(articles: [Article], annotations: [Annotation] = []) {
    self.articles = articles
    self.annotations = annotations
  }
}
