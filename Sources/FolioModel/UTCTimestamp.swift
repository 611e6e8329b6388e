/// Unix times as UTC dates for people, without Foundation.
enum UTCTimestamp {
  /// `milliseconds` since 1970 as "2025-06-01 12:34:56 UTC".
  static func text(milliseconds: UInt64) -> String {
    let seconds = Int64(milliseconds / 1000)
    let (year, month, day) = civilDate(daysSince1970: seconds / 86_400)
    let secondOfDay = seconds % 86_400
    let date = "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    let time =
      "\(padded(secondOfDay / 3600, 2)):\(padded(secondOfDay / 60 % 60, 2))"
      + ":\(padded(secondOfDay % 60, 2))"
    return date + " " + time + " UTC"
  }

  /// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's
  /// `civil_from_days`).
  static func civilDate(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
    let shifted = days + 719_468
    let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    return (year, month, day)
  }

  private static func padded(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }
}
