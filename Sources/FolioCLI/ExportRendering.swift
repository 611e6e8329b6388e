import FolioArticles
import FolioModel

/// Turns an export document into the Markdown and W3C forms.
enum ExportRendering {
  static func markdown(_ export: FolioExport) -> String {
    let items = export.articles.map { exported in
      let orphans = Set(
        exported.annotations.filter { annotation in
          guard let selector = annotation.target.selector else { return false }
          return Anchoring.anchor(selector, in: exported.article).state == .orphan
        }.map(\.id))
      return MarkdownExportItem(
        article: exported.article, annotations: exported.annotations, orphans: orphans)
    }
    return MarkdownExport.render(items)
  }

  static func w3c(_ export: FolioExport) -> String {
    let items = export.articles.flatMap { exported in
      exported.annotations.map {
        W3CExportItem(
          annotation: $0, articleSourceURL: exported.article.sourceURL, article: exported.article
        )
      }
    }
    return W3CAnnotationExport.render(items)
  }
}
