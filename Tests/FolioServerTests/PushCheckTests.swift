import FolioModel
import FolioServer
import Testing

@Suite("Push rules")
struct PushCheckTests {
  let site = SiteID.random()

  func batch(_ seqs: [Int]) -> [IncomingChange] {
    let changes = makeChanges(site: site, count: (seqs.max() ?? 0))
    return seqs.map { IncomingChange(changes[$0 - 1]) }
  }

  @Test func aNewSiteIsBoundAndAccepted() throws {
    let plan = try PushCheck.plan(batch([1, 2, 3]), user: "alice", sites: [:], stored: [:])
    #expect(plan.accepted.map(\.change.seq) == [1, 2, 3])
    #expect(plan.duplicates == 0)
    #expect(plan.heads == [site: 3])
    #expect(plan.newOwners == [site])
  }

  @Test func storedChangesAreComparedByteForByte() throws {
    let incoming = batch([1, 2, 3])
    let sites = [site: SiteState(owner: "alice", head: 2)]
    let toCompare = PushCheck.storedChangesToCompare(incoming, sites: sites)
    #expect(toCompare == [Dot(site: site, seq: 1), Dot(site: site, seq: 2)])
    let stored = Dictionary(
      uniqueKeysWithValues: incoming.prefix(2).map { ($0.change.dot, $0.json) })
    let plan = try PushCheck.plan(incoming, user: "alice", sites: sites, stored: stored)
    #expect(plan.accepted.map(\.change.seq) == [3])
    #expect(plan.duplicates == 2)
    #expect(plan.newOwners.isEmpty)

    var different = stored
    different[Dot(site: site, seq: 2)] = Array("{}".utf8)
    #expect(throws: SyncError.conflictingChange(Dot(site: site, seq: 2))) {
      try PushCheck.plan(incoming, user: "alice", sites: sites, stored: different)
    }
  }

  @Test func refusalsNameTheChange() {
    #expect(throws: SyncError.gap(Dot(site: site, seq: 2), expected: 1)) {
      try PushCheck.plan(batch([2]), user: "alice", sites: [:], stored: [:])
    }
    #expect(throws: SyncError.siteOwned(Dot(site: site, seq: 1))) {
      try PushCheck.plan(
        batch([1]), user: "dave", sites: [site: SiteState(owner: "alice", head: 0)], stored: [:])
    }
  }
}
