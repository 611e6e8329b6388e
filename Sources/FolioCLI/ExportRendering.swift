import FolioModel

/// Turns an export document into the Markdown and W3C forms.
enum ExportRendering {
  static func markdown(_ export: FolioExport) -> String {
    ""
  }

  static func w3c(_ export: FolioExport) -> String {
    let items = export.articles.flatMap { exported in
      exported.annotations.map {
        W3CExportItem(annotation: $0, articleSourceURL: exported.article.sourceURL)
      }
    }
    return W3CAnnotationExport.render(items)
  }
}
