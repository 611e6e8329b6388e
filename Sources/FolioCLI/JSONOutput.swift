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

/// Times as people and scripts read them: local time for people, ISO 8601 UTC in JSON.
enum TimeText {
  /// "2026-11-27 07:59 CET" from Unix milliseconds, in the local time zone (`$TZ`).
  static func short(_ milliseconds: UInt64) -> String { short(milliseconds, in: local) }

  /// The local time zone, read once: `folio show` prints a time per annotation.
  private static let local = localZone(environment: ProcessInfo.processInfo.environment)

  /// "2026-11-27 07:59 CET" in `zone`.
  static func short(_ milliseconds: UInt64, in zone: TimeZone) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
    func padded(_ number: Int?, _ width: Int) -> String {
      let digits = String(number ?? 0)
      return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    let name = zone.abbreviation(for: date) ?? zone.identifier
    return "\(padded(parts.year, 4))-\(padded(parts.month, 2))-\(padded(parts.day, 2)) "
      + "\(padded(parts.hour, 2)):\(padded(parts.minute, 2)) \(name)"
  }

  /// The zone `$TZ` names (`Europe/Paris`, `:Europe/Paris`, `UTC`), else the system's.
  static func localZone(environment: [String: String]) -> TimeZone {
    if let name = environment["TZ"]?.trimmingCharacters(in: CharacterSet(charactersIn: ":")),
      !name.isEmpty, let zone = TimeZone(identifier: name) ?? TimeZone(abbreviation: name)
    {
      return zone
    }
    return TimeZone.current
  }

  /// ISO 8601 with milliseconds, UTC.
  static func iso(_ milliseconds: UInt64) -> String { ISO8601.string(milliseconds: milliseconds) }
}
