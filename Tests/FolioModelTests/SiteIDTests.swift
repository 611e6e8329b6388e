import Testing

@testable import FolioModel

/// A site id is held as two words: its text, order, equality and hash must still be those
/// of its 32 hex digits.
@Suite struct SiteIDTests {
  static func randomSites(_ count: Int) -> [SiteID] {
    var random = SplitMix64(seed: 11)
    var sites = (0..<count).map { _ in SiteID.random(using: &random) }
    // Sites that differ only in their last digit, or only in their first word.
    if let text = sites.first?.rawValue {
      for last in ["0", "9", "a", "f"] {
        sites += [SiteID(rawValue: String(text.dropLast()) + last)].compactMap { $0 }
      }
      sites += [SiteID(rawValue: "f" + text.dropFirst())].compactMap { $0 }
    }
    return sites
  }

  @Test func textRoundTripsAndOrderIsTheTextsOrder() throws {
    let sites = Self.randomSites(300)
    for site in sites {
      #expect(site.rawValue.utf8.count == 32)
      #expect(SiteID(rawValue: site.rawValue) == site)
      var writer = JSONWriter()
      writer.write(site)
      #expect(writer.bytes == Array("\"\(site.rawValue)\"".utf8))
    }
    for (left, right) in zip(sites, sites.dropFirst()) {
      #expect((left < right) == (left.rawValue < right.rawValue))
      #expect((left == right) == (left.rawValue == right.rawValue))
    }
    #expect(sites.sorted().map(\.rawValue) == sites.map(\.rawValue).sorted())
    #expect(Set(sites).count == Set(sites.map(\.rawValue)).count)
  }

  @Test func equalSitesHashAlike() throws {
    let text = "0123456789abcdef0123456789abcdef"
    let first = try #require(SiteID(rawValue: text))
    let second = try #require(SiteID(rawValue: String(text)))
    #expect(first == second)
    #expect(first.hashValue == second.hashValue)
    #expect([first: 1][second] == 1)
  }

  @Test(arguments: [
    "", "0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdef0",
    "0123456789ABCDEF0123456789abcdef", "0123456789abcdeg0123456789abcdef",
    " 123456789abcdef0123456789abcdef", "0123456789abcdef-123456789abcdef",
  ])
  func refusesWhatIsNot32LowercaseHexDigits(text: String) {
    #expect(SiteID(rawValue: text) == nil)
  }
}
