import FolioArticles
import FolioModel
import Testing

@Suite struct ISO8601Tests {
  @Test(arguments: [
    (UInt64(0), "1970-01-01T00:00:00.000Z"),
    (951_782_400_000, "2000-02-29T00:00:00.000Z"),
    (1_709_164_799_999, "2024-02-28T23:59:59.999Z"),
    (1_795_762_745_123, "2026-11-27T06:59:05.123Z"),
    (4_102_444_800_000, "2100-01-01T00:00:00.000Z"),
    (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
  ])
  func formatsUTCWithMilliseconds(milliseconds: UInt64, expected: String) {
    #expect(ISO8601.string(milliseconds: milliseconds) == expected)
  }

  @Test func omitsFractionalSecondsOnRequest() {
    #expect(
      ISO8601.string(milliseconds: 1_795_762_745_123, fractionalSeconds: false)
        == "2026-11-27T06:59:05Z")
  }
}

@Suite struct ReadableTimeTests {
  @Test func formatsUnixMillisecondsForPeople() {
    #expect(ISO8601.readable(milliseconds: 0) == "1970-01-01 00:00:00 UTC")
    #expect(ISO8601.readable(milliseconds: 1_700_000_000_999) == "2023-11-14 22:13:20 UTC")
    #expect(ISO8601.readable(milliseconds: 951_782_400_000) == "2000-02-29 00:00:00 UTC")
    #expect(
      ISO8601.readable(milliseconds: 4_102_444_799_000, seconds: false) == "2099-12-31 23:59 UTC")
  }
}
