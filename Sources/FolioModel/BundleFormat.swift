#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// The offline bundle format (see `Protocol/bundle.md`): JSON Lines. The first line is a
/// `BundleHeader`, then one change per line in canonical JSON, then a `BundleTrailer`
/// with the count and a SHA-256 of the change lines, so that truncation and corruption
/// are detected before anything is applied.
public enum BundleFormat {
  public static let formatName = "folio-bundle"
  public static let currentVersion = 1
}

/// The first line of a bundle.
public struct BundleHeader: Codable, Equatable, Sendable {
  public var format: String
  public var version: Int
  /// The replica that wrote the bundle.
  public var site: SiteID
  /// What that replica had when it wrote the bundle.
  public var vector: VersionVector
  /// Unix milliseconds when it was written.
  public var created: UInt64

  public init(site: SiteID, vector: VersionVector, created: UInt64) {
    self.format = BundleFormat.formatName
    self.version = BundleFormat.currentVersion
    self.site = site
    self.vector = vector
    self.created = created
  }
}

/// The last line of a bundle.
public struct BundleTrailer: Codable, Equatable, Sendable {
  /// Always true; marks the line as the trailer.
  public var end: Bool
  /// Number of change lines.
  public var count: Int
  /// Lowercase hex SHA-256 over the change lines, each with its newline.
  public var sha256: String

  public init(count: Int, sha256: String) {
    self.end = true
    self.count = count
    self.sha256 = sha256
  }
}

/// Why a bundle was refused. Nothing of a refused bundle is applied.
public struct BundleError: Error, Sendable, Equatable, CustomStringConvertible {
  public let reason: String

  public init(_ reason: String) { self.reason = reason }

  public var description: String { reason }
}
