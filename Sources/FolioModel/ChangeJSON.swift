#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// The canonical JSON form of changes: sorted keys, no escaped slashes. The same change
/// always encodes to the same bytes, which is how the server tells a resent change from a
/// different one with the same (site, seq).
public enum ChangeJSON {
  /// A new encoder producing canonical JSON.
  public static func makeEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }

  /// The canonical bytes of one change.
  public static func encode(_ change: Change) -> [UInt8] {
    // Encoding a value made only of strings, integers and nested containers cannot fail.
    (try? [UInt8](makeEncoder().encode(change))) ?? []
  }

  /// Decodes one change from JSON bytes.
  public static func decode(_ bytes: [UInt8]) throws -> Change {
    try JSONDecoder().decode(Change.self, from: Data(bytes))
  }
}
