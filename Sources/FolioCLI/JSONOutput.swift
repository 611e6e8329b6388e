import FolioArticles
import FolioModel
import Foundation

/// Writes values as pretty, key-sorted JSON.
enum JSONOutput {
  static func text<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }

  static func print<T: Encodable>(_ value: T) throws {
    Console.current.out(try text(value))
  }
}

/// Times as people and scripts read them.
enum TimeText {
  /// "2026-11-27 06:59 UTC" from Unix milliseconds.
  static func short(_ milliseconds: UInt64) -> String {
    ISO8601.readable(milliseconds: milliseconds, seconds: false)
  }

  /// ISO 8601 with milliseconds, UTC.
  static func iso(_ milliseconds: UInt64) -> String { ISO8601.string(milliseconds: milliseconds) }
}
