import Foundation
import Testing

@testable import FolioCLI

@Suite struct TimeTextTests {
  // 2026-11-27T06:59:30.123Z
  let moment: UInt64 = 1_795_762_770_123

  @Test func peopleSeeLocalTimeFromTZ() throws {
    let paris = TimeText.localZone(environment: ["TZ": "Europe/Paris"])
    #expect(TimeText.short(moment, in: paris).hasPrefix("2026-11-27 07:59"))
    let tokyo = TimeText.localZone(environment: ["TZ": ":Asia/Tokyo"])
    #expect(TimeText.short(moment, in: tokyo).hasPrefix("2026-11-27 15:59"))
    let utc = TimeText.localZone(environment: ["TZ": "UTC"])
    #expect(TimeText.short(moment, in: utc).hasPrefix("2026-11-27 06:59"))
  }

  @Test func scriptsSeeISO8601UTC() {
    #expect(TimeText.iso(moment) == "2026-11-27T06:59:30.123Z")
  }
}
