import FolioModel
import Testing

@testable import FolioReplica

/// `SiteTable.inArrivalOrder` hands `markArrived` each site's seqs going up, and keeps the
/// order it was given when that order already does.
@Suite struct ArrivalOrderTests {
  private let sites = (0..<3).map { _ in SiteID.random() }

  private func perSiteAscending(_ dots: [Dot]) -> Bool {
    var last: [SiteID: Int] = [:]
    for dot in dots {
      if let seen = last[dot.site], dot.seq <= seen { return false }
      last[dot.site] = dot.seq
    }
    return true
  }

  @Test func everyOrderComesOutWithEachSitesSeqsGoingUp() {
    var generator = SplitMix64(seed: 7)
    for round in 0..<300 {
      var dots: [Dot] = []
      for site in sites {
        let first = Int.random(in: 1...5, using: &generator)
        let count = Int.random(in: 0...8, using: &generator)
        dots += (first..<(first + count)).map { Dot(site: site, seq: $0) }
      }
      let given = round % 3 == 0 ? dots : dots.shuffled(using: &generator)
      let ordered = SiteTable.inArrivalOrder(given)
      #expect(ordered.sorted() == given.sorted(), "the same dots")
      #expect(perSiteAscending(ordered))
      if perSiteAscending(given) { #expect(ordered == given, "an order that works is kept") }
    }
  }

  @Test func runsOfSitesTakingTurnsAreKept() {
    let (a, b) = (sites[0], sites[1])
    let turns = [
      Dot(site: a, seq: 1), Dot(site: a, seq: 2), Dot(site: b, seq: 1),
      Dot(site: a, seq: 3), Dot(site: b, seq: 2),
    ]
    #expect(SiteTable.inArrivalOrder(turns) == turns)
    let back = [Dot(site: a, seq: 2), Dot(site: b, seq: 1), Dot(site: a, seq: 1)]
    #expect(perSiteAscending(SiteTable.inArrivalOrder(back)))
  }
}
