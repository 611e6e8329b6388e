import FolioModel
import FolioServer
import Testing

@Suite("Push rules")
struct PushCheckTests {
  let site = TestSites.make()

  func changes(_ count: Int, author: String = "alice") -> [Change] {
    makeChanges(site: site, count: count, author: author)
  }

  func batch(_ changes: [Change], _ seqs: [Int]) -> [IncomingChange] {
    seqs.map { IncomingChange(changes[$0 - 1]) }
  }

  func head(_ seq: Int, author: String? = nil) throws -> SignedHead {
    try #require(TestSites.head(of: site, at: seq, author: author))
  }

  /// The binding and stored changes of `site` after `changes` 1…`upTo` were stored for alice.
  func stored(_ changes: [Change], upTo seq: Int) throws -> (
    [SiteID: SiteBinding], [Dot: StoredChange]
  ) {
    var chain = SiteChain.empty
    var stored: [Dot: StoredChange] = [:]
    for change in changes.prefix(seq) {
      chain = chain.appending(ChangeJSON.encode(change))
      stored[change.dot] = StoredChange(json: ChangeJSON.encode(change), chain: chain.hash)
    }
    let key = try #require(TestSites.key(of: site)).publicKey
    return ([site: SiteBinding(user: "alice", key: key, chain: chain)], stored)
  }

  @Test func aNewSiteIsBoundToItsOwnUserAndAccepted() throws {
    let made = changes(3)
    let plan = try PushCheck.plan(
      batch(made, [1, 2, 3]), heads: [try head(3)], user: "alice", sites: [:], stored: [:])
    #expect(plan.accepted.map(\.incoming.change.seq) == [1, 2, 3])
    #expect(plan.duplicates == 0)
    #expect(plan.bindings[site]?.user == "alice")
    #expect(plan.bindings[site]?.chain == (try head(3)).siteChain)
    #expect(plan.accepted.last?.chain == (try head(3)).chain)
    #expect(plan.heads == [try head(3)])
  }

  @Test func storedChangesAreComparedByteForByteAndByChain() throws {
    let made = changes(3)
    let incoming = batch(made, [1, 2, 3])
    let (sites, stored) = try self.stored(made, upTo: 2)
    let toCompare = PushCheck.storedChangesToCompare(incoming, sites: sites)
    #expect(toCompare == [Dot(site: site, seq: 1), Dot(site: site, seq: 2)])
    let plan = try PushCheck.plan(
      incoming, heads: [try head(3)], user: "dave", sites: sites, stored: stored)
    #expect(plan.accepted.map(\.incoming.change.seq) == [3])
    #expect(plan.duplicates == 2)
    #expect(plan.bindings[site]?.user == "alice", "a relay leaves the site bound to alice")

    var different = stored
    different[Dot(site: site, seq: 2)]?.json = Array("{}".utf8)
    #expect(throws: SyncError.conflictingChange(Dot(site: site, seq: 2))) {
      try PushCheck.plan(
        incoming, heads: [try head(3)], user: "alice", sites: sites, stored: different)
    }
    // Only duplicates: the head must match the chain stored at its seq.
    let resent = try PushCheck.plan(
      batch(made, [1]), heads: [try head(1)], user: "alice", sites: sites, stored: stored)
    #expect(resent.accepted.isEmpty && resent.duplicates == 1 && resent.heads.isEmpty)
    var otherChain = stored
    otherChain[Dot(site: site, seq: 1)]?.chain = SiteChain.empty.hash
    #expect(throws: SyncError.self) {
      try PushCheck.plan(
        batch(made, [1]), heads: [try head(1)], user: "alice", sites: sites, stored: otherChain)
    }
  }

  @Test func refusalsComeInTheProtocolsOrder() throws {
    let made = changes(2)
    // A gap is named before a head that does not cover the change.
    #expect(throws: SyncError.gap(Dot(site: site, seq: 2), expected: 1)) {
      try PushCheck.plan(
        batch(made, [2]), heads: [try head(2)], user: "alice", sites: [:], stored: [:])
    }
    // No head: H6 before anything else.
    do {
      _ = try PushCheck.plan(batch(made, [1]), heads: [], user: "alice", sites: [:], stored: [:])
      Issue.record("a change with no head was accepted")
    } catch { #expect(error.rule == "H6" && error.site == site) }
    // A new site whose head says another user: not registered.
    let first = try head(1)
    do {
      _ = try PushCheck.plan(
        batch(made, [1]), heads: [first], user: "dave", sites: [:], stored: [:])
      Issue.record("a relay of an unbound site was accepted")
    } catch { #expect(error.code == .unregisteredSite && error.site == site) }
    // A bound site whose head says another author than its user.
    let (sites, stored) = try self.stored(made, upTo: 1)
    let renamed = try head(2, author: "dave")
    do {
      _ = try PushCheck.plan(
        batch(made, [2]), heads: [renamed], user: "dave", sites: sites,
        stored: stored)
      Issue.record("a bound site's head by another author was accepted")
    } catch { #expect(error.code == .siteOwned && error.change == made[1].dot) }
  }
}
