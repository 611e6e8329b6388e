import Testing

@testable import FolioModel

@Suite struct UTCTimestampTests {
  @Test func formatsUnixMillisecondsAsUTC() {
    #expect(UTCTimestamp.text(milliseconds: 0) == "1970-01-01 00:00:00 UTC")
    #expect(UTCTimestamp.text(milliseconds: 1_700_000_000_999) == "2023-11-14 22:13:20 UTC")
    #expect(UTCTimestamp.text(milliseconds: 951_782_400_000) == "2000-02-29 00:00:00 UTC")
    #expect(UTCTimestamp.text(milliseconds: 4_102_444_799_000) == "2099-12-31 23:59:59 UTC")
  }

  @Test func convertsDaysToCivilDates() {
    #expect(UTCTimestamp.civilDate(daysSince1970: 0) == (1970, 1, 1))
    #expect(UTCTimestamp.civilDate(daysSince1970: -1) == (1969, 12, 31))
    #expect(UTCTimestamp.civilDate(daysSince1970: 20_454) == (2026, 1, 1))
  }
}
