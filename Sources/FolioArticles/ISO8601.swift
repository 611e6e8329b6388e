import FolioModel

/// ISO 8601 timestamps in UTC, written without Foundation.
public enum ISO8601 {
  /// `milliseconds` since the Unix epoch as an ISO 8601 UTC timestamp,
  /// e.g. "2026-11-27T06:59:05.123Z", or "2026-11-27T06:59:05Z" without fractional seconds.
  public static func string(milliseconds: UInt64, fractionalSeconds: Bool = true) -> String {
    let seconds = milliseconds / 1000
    let date = civilDate(days: Int64(seconds / 86_400))
    let time = seconds % 86_400
    var text = padded(date.year, 4) + "-" + padded(Int64(date.month), 2) + "-"
    text += padded(Int64(date.day), 2) + "T" + padded(Int64(time / 3600), 2) + ":"
    text += padded(Int64(time / 60 % 60), 2) + ":" + padded(Int64(time % 60), 2)
    if fractionalSeconds { text += "." + padded(Int64(milliseconds % 1000), 3) }
    return text + "Z"
  }

  /// `milliseconds` since the Unix epoch for people: "2026-11-27 06:59:05 UTC", or
  /// "2026-11-27 06:59 UTC" without seconds.
  public static func readable(milliseconds: UInt64, seconds: Bool = true) -> String {
    var text = string(milliseconds: milliseconds, fractionalSeconds: false)
    text.removeLast()  // "Z"
    if !seconds { text.removeLast(3) }
    return text.replacingFirstT() + " UTC"
  }

  /// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's algorithm).
  static func civilDate(days: Int64) -> (year: Int64, month: Int, day: Int) {
    let shifted = days + 719_468
    let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthFromMarch = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
    let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), Int(month), Int(day))
  }

  private static func padded(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width
      ? digits : String(repeating: "0", count: width - digits.count) + digits
  }
}

extension String {
  fileprivate func replacingFirstT() -> String {
    guard let index = firstIndex(of: "T") else { return self }
    var copy = self
    copy.replaceSubrange(index...index, with: " ")
    return copy
  }
}
