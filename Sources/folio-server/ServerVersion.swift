/// The version `folio-server --version` prints; the same as `FolioVersion.current` of the
/// `folio` client (Sources/FolioCLI/FolioVersion.swift): bump both together.
enum ServerVersion {
  static let current = "0.1.0"
}
