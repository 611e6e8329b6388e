import FolioModel

/// Turns an export document into the Markdown and W3C forms.
enum ExportRendering {
  static func markdown(_ export: FolioExport) -> String {
    ""
  }

  static func w3c(_ export: FolioExport) -> String {
    ""
  }
}
