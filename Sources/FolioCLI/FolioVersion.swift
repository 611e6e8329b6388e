/// The version `folio --version` prints. `folio-server` prints the same number (its own
/// constant in Sources/folio-server/ServerVersion.swift): bump both together.
public enum FolioVersion {
  public static let current = "0.1.0"
}
