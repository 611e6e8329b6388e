/// The time an HTTP `Date` header gives, in the one form servers send (RFC 9110 §5.6.7,
/// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT").
///
/// Hand-written because `DateFormatter` loads ICU's locale and calendar data the first time
/// it is used: 3 ms of a 25 ms no-change `folio sync`, measured. The form is fixed, so this
/// reads it by position; the tests compare it with `DateFormatter` over many dates.
enum HTTPDate {
  private static let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
  private static let months = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  ]

  /// Milliseconds since 1970 (whole seconds), or nil when `text` is not an IMF-fixdate.
  static func milliseconds(_ text: String) -> UInt64? {
    let bytes = Array(text.utf8)
    guard bytes.count == 29 else { return nil }
    func word(_ start: Int) -> String {
      String(decoding: bytes[start..<(start + 3)], as: UTF8.self)
    }
    func number(_ start: Int, _ count: Int) -> Int? {
      var value = 0
      for byte in bytes[start..<(start + count)] {
        guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
      }
      return value
    }
    func isLiteral(_ start: Int, _ literal: String) -> Bool {
      bytes[start..<(start + literal.utf8.count)].elementsEqual(literal.utf8)
    }
    guard days.contains(word(0)), isLiteral(3, ", "), let day = number(5, 2), isLiteral(7, " "),
      let monthIndex = months.firstIndex(of: word(8)), isLiteral(11, " "),
      let year = number(12, 4), year >= 1970, isLiteral(16, " "), let hour = number(17, 2),
      isLiteral(19, ":"), let minute = number(20, 2), isLiteral(22, ":"),
      let second = number(23, 2), isLiteral(25, " GMT"), hour < 24, minute < 60, second < 61
    else { return nil }
    let month = monthIndex + 1
    guard day >= 1, day <= daysIn(month: month, year: year) else { return nil }
    let seconds =
      daysSince1970(year: year, month: month, day: day) * 86_400
      + hour * 3_600 + minute * 60 + second
    return UInt64(seconds) * 1_000
  }

  private static func isLeap(_ year: Int) -> Bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
  }

  private static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Days from 1970-01-01 to the date (proleptic Gregorian calendar).
  private static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
    var days = 0
    for earlier in 1970..<year { days += isLeap(earlier) ? 366 : 365 }
    for earlier in 1..<month { days += daysIn(month: earlier, year: year) }
    return days + day - 1
  }
}
