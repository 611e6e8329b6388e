import Foundation
import Testing

@testable import FolioSync

/// The `Date` header reader against Foundation's formatter, which it replaces for speed.
@Suite struct HTTPDateTests {
  static let formatter: DateFormatter = {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
    return formatter
  }()

  @Test func readsTheExampleOfRFC9110() {
    #expect(HTTPDate.milliseconds("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777_000)
    #expect(HTTPDate.milliseconds("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
    #expect(HTTPDate.milliseconds("Tue, 29 Feb 2028 23:59:59 GMT") == 1_835_481_599_000)
  }

  @Test func agreesWithDateFormatterOverManyDates() {
    var random = SystemRandomNumberGenerator()
    for _ in 0..<2_000 {
      let seconds = Int.random(in: 0...4_102_444_800, using: &random)  // 1970 … 2100
      let date = Date(timeIntervalSince1970: TimeInterval(seconds))
      let text = Self.formatter.string(from: date)
      #expect(HTTPDate.milliseconds(text) == UInt64(seconds) * 1_000, "\(text)")
    }
  }

  @Test(arguments: [
    "", "Sun, 06 Nov 1994 08:49:37 UTC", "Sunday, 06-Nov-94 08:49:37 GMT",
    "Sun Nov  6 08:49:37 1994", "Sun, 31 Nov 1994 08:49:37 GMT", "Sun, 29 Feb 2027 08:49:37 GMT",
    "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:37 GMT",
    "Xyz, 06 Nov 1994 08:49:37 GMT",
    "Sun, 06 Now 1994 08:49:37 GMT", "Sun, 0a Nov 1994 08:49:37 GMT",
    "Sun, 06 Nov 1969 08:49:37 GMT",
    "Sun,  6 Nov 1994 08:49:37 GMT",
  ])
  func refusesAnythingElse(_ text: String) {
    #expect(HTTPDate.milliseconds(text) == nil)
  }
}
