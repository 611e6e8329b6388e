import FolioArticles
import FolioModel
import Foundation
import Testing

@testable import FolioReplica

/// Signed authorship on the replica (`Protocol/signing.md`): keys and sites, chains, and
/// pull pages and bundles verified before anything is applied.
@Suite struct SigningReplicaTests {
  /// A replica with `count` imported articles.
  static func replica(
    _ name: String, in directory: TemporaryDirectory, articles count: Int = 2
  ) throws -> Replica {
    let replica = try Replica.create(at: directory.file("\(name).sqlite"), author: name)
    _ = try replica.importArticles((0..<count).map { sampleArticle("\(name) \($0)") })
    return replica
  }

  /// The lines of a bundle file, without their newlines (header first, trailer last).
  static func lines(_ path: String) throws -> [[UInt8]] {
    try Data(contentsOf: URL(fileURLWithPath: path)).split(
      separator: 0x0A, omittingEmptySubsequences: false
    ).dropLast().map { Array($0) }
  }

  /// Writes a bundle of `header` and `changes` with a trailer that matches them, as a
  /// forger who knows the format would.
  static func write(header: [UInt8], changes: [[UInt8]], to path: String) throws {
    var hasher = SHA256Hasher()
    var bytes = header + [0x0A]
    for line in changes { bytes += line + [0x0A] }
    hasher.update(bytes)
    bytes += BundleTrailer(count: changes.count, sha256: Hex.encode(hasher.finalize())).encoded()
    bytes.append(0x0A)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
  }

  /// The chain of `changes` (one site's, from seq 1, in order).
  static func chain(_ changes: [Change]) -> SiteChain {
    changes.reduce(SiteChain.empty) { $0.appending(ChangeJSON.encode($1)) }
  }

  @Test func aNewReplicasSiteIsDerivedFromItsKeyAndSurvivesReopening() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let alice = try Self.replica("alice", in: directory)
    #expect(alice.canSign)
    #expect(alice.key.site == alice.site)
    let reopened = try Replica.open(at: alice.path)
    #expect(reopened.site == alice.site && reopened.canSign)
    #expect(reopened.key.rawRepresentation == alice.key.rawRepresentation)
    #expect(try reopened.db.scalarInt("PRAGMA user_version") == Int64(ReplicaSchema.latestVersion))
  }

  @Test func theOwnHeadCoversTheOwnChangesAndIsComputedLazily() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let alice = try Self.replica("alice", in: directory, articles: 3)
    let own = try alice.changes(notCoveredBy: VersionVector(), site: alice.site)
    // Local edits do not touch the chain table: it is brought up to date when signing.
    #expect(try alice.db.scalarInt("SELECT count(*) FROM chains") == 0)
    let head = try alice.signedHead(at: own.count)
    #expect(head.siteChain == Self.chain(own))
    #expect(head.author == "alice" && head.site == alice.site)
    #expect(try SignedHead.decode(head.encoded()) == head)
    // An earlier position (a push split in batches) is the chain of the first changes.
    #expect(try alice.signedHead(at: 2).siteChain == Self.chain(Array(own.prefix(2))))
    #expect(try alice.newestHead(of: alice.site)?.seq == own.count)
    _ = try alice.importArticles([sampleArticle("later")])
    let more = try alice.changes(notCoveredBy: VersionVector(), site: alice.site)
    #expect(try alice.signedHead(at: more.count).siteChain == Self.chain(more))
  }

  /// After a bundle signed the whole log, a push signs batch after batch at earlier seqs:
  /// each goes on from the last batch's position (not from the start), and every head is
  /// still the chain of exactly the changes up to it.
  @Test func batchesSignedAfterABundleGoOnFromTheLastBatch() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let alice = try Self.replica("alice", in: directory, articles: 6)
    let own = try alice.changes(notCoveredBy: VersionVector(), site: alice.site)
    _ = try alice.createBundle(at: directory.file("all.bundle"), for: nil)
    #expect(try alice.newestHead(of: alice.site)?.seq == own.count)
    for seq in stride(from: 5, to: own.count, by: 5) {
      #expect(try alice.signedHead(at: seq).siteChain == Self.chain(Array(own.prefix(seq))))
      #expect(alice.recentChains[alice.site]?.seq == seq)
    }
    #expect(try alice.newestHead(of: alice.site)?.seq == own.count)
  }

  @Test func aBundleIsVerifiedAndItsHeadsAreKeptForRelaying() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let alice = try Self.replica("alice", in: directory)
    let bob = try Self.replica("bob", in: directory, articles: 1)
    try bob.addRemote(name: "origin", url: "http://127.0.0.1:1", space: "s", token: "t")
    try bob.clearRelayPending(remote: "origin")
    let path = directory.file("a.bundle")
    _ = try alice.createBundle(at: path, for: try bob.versionVector())
    let header = try Replica.bundleHeader(at: path)
    #expect(header.version == 2 && header.heads.map(\.site) == [alice.site])

    let report = try bob.applyBundle(at: path)
    #expect(report.added == (try alice.changeCount()))
    #expect(try bob.newestHead(of: alice.site) == header.heads.first)
    #expect(try bob.relayPending(remote: "origin"))
    #expect(try bob.relayHeads(beyond: VersionVector()) == header.heads)
    #expect(try bob.relayHeads(beyond: alice.versionVector()).isEmpty)

    // Bob's bundle to Carol carries Alice's changes under Alice's head, and his own.
    let carol = try Self.replica("carol", in: directory, articles: 0)
    let relay = directory.file("b.bundle")
    _ = try bob.createBundle(at: relay, for: try carol.versionVector())
    #expect(
      try Replica.bundleHeader(at: relay).heads.map(\.site)
        == [alice.site, bob.site].sorted())
    _ = try carol.applyBundle(at: relay)
    #expect(try carol.versionVector() == bob.versionVector())
    #expect(try carol.applyBundle(at: relay).added == 0, "applying it again changes nothing")
  }

  @Test func anAlteredChangeIsRefusedAndNothingIsApplied() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let alice = try Self.replica("alice", in: directory)
    let bob = try Self.replica("bob", in: directory, articles: 0)
    let path = directory.file("a.bundle")
    _ = try alice.createBundle(at: path, for: nil)
    var lines = try Self.lines(path)
    let original = String(decoding: lines[2], as: UTF8.self)
    let altered = original.replacingOccurrences(of: "alice 0", with: "mallory")
    #expect(altered != original)
    lines[2] = Array(altered.utf8)
    try Self.write(header: lines[0], changes: Array(lines[1..<(lines.count - 1)]), to: path)
    do {
      _ = try bob.applyBundle(at: path)
      Issue.record("an altered change was applied")
    } catch let error as BundleError {
      #expect(error.invalidHead?.rule == .chain && error.invalidHead?.site == alice.site)
      #expect(error.description.contains("H4"))
    }
    #expect(try bob.changeCount() == 0)
    #expect(try bob.newestHead(of: alice.site) == nil)
  }

  @Test func anInventedChangeIsRefused() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let alice = try Self.replica("alice", in: directory)
    let bob = try Self.replica("bob", in: directory, articles: 0)
    let path = directory.file("a.bundle")
    _ = try alice.createBundle(at: path, for: nil)
    var lines = try Self.lines(path)
    let last = try ChangeJSON.decode(lines[lines.count - 2])
    var invented = last
    invented.seq += 1
    invented.value = .string("invented")
    lines.insert(ChangeJSON.encode(invented), at: lines.count - 1)
    try Self.write(header: lines[0], changes: Array(lines[1..<(lines.count - 1)]), to: path)
    #expect(throws: BundleError.self) { try bob.applyBundle(at: path) }
    do { _ = try bob.applyBundle(at: path) } catch let error as BundleError {
      #expect(error.invalidHead?.rule == .coverage, "\(error)")
    }
    #expect(try bob.changeCount() == 0)
  }

  /// Forgery 8: a bundle slipping a change under the receiver's own site id.
  @Test func aChangeUnderTheReceiversOwnSiteIsRefused() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let bob = try Self.replica("bob", in: directory, articles: 1)
    let bobsSeq = try bob.versionVector()[bob.site]
    let mallory = SiteKey()
    let forged = Change(
      site: bob.site, seq: bobsSeq + 1,
      hlc: HybridTimestamp(milliseconds: bob.wallClockNow, counter: 0), author: "bob",
      entity: .article("forged"), field: Field.title, op: .set, value: .string("Forged"))
    let line = ChangeJSON.encode(forged)
    let before = try canonicalExport(bob)
    let path = directory.file("forged.bundle")

    // No head at all for Bob's site.
    let bare = BundleHeader(site: mallory.site, vector: VersionVector(), created: 0, heads: [])
    try Self.write(header: bare.encoded(), changes: [line], to: path)
    #expect(throws: BundleError.self) { try bob.applyBundle(at: path) }

    // A head Mallory signed, claiming Bob's site: her key does not derive it (H2).
    let signed = SignedHead(
      signing: SiteChain(seq: bobsSeq + 1, hash: SiteChain.empty.hash), author: "bob",
      with: mallory)
    let claimed = String(decoding: signed.encoded(), as: UTF8.self).replacingOccurrences(
      of: mallory.site.rawValue, with: bob.site.rawValue)
    let header = String(decoding: bare.encoded(), as: UTF8.self).replacingOccurrences(
      of: #""heads":[]"#, with: #""heads":[\#(claimed)]"#)
    try Self.write(header: Array(header.utf8), changes: [line], to: path)
    do {
      _ = try bob.applyBundle(at: path)
      Issue.record("a change under the receiver's own site was applied")
    } catch let error as BundleError {
      #expect(error.invalidHead?.rule == .keyForSite, "\(error)")
    }
    #expect(try canonicalExport(bob) == before)
    #expect(try bob.versionVector()[bob.site] == bobsSeq)
  }

  @Test func aBundleLackingChangesSaysWhatIsMissing() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let alice = try Self.replica("alice", in: directory, articles: 1)
    let carol = try Self.replica("carol", in: directory, articles: 0)
    let first = directory.file("1.bundle")
    _ = try alice.createBundle(at: first, for: nil)
    _ = try carol.applyBundle(at: first)
    _ = try alice.importArticles([sampleArticle("later")])
    let second = directory.file("2.bundle")
    _ = try alice.createBundle(at: second, for: try carol.versionVector())
    let bob = try Self.replica("bob", in: directory, articles: 0)
    do {
      _ = try bob.applyBundle(at: second)
      Issue.record("a bundle with a gap was applied")
    } catch let error as BundleError {
      let held = try carol.versionVector()[alice.site]
      #expect(error.description.contains("lacks site \(alice.site.short)'s changes 1 … \(held)"))
      #expect(error.description.contains("made for this replica's vector"))
    }
    #expect(try bob.changeCount() == 0)
    #expect(try carol.applyBundle(at: second).added > 0)
  }

  @Test func aVersion1BundleIsRefusedAsMadeByAnOlderFolio() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let bob = try Self.replica("bob", in: directory, articles: 0)
    let path = directory.file("old.bundle")
    let header =
      #"{"created":1,"format":"folio-bundle","site":"\#(SiteID.random())","vector":{},"version":1}"#
    try Self.write(header: Array(header.utf8), changes: [], to: path)
    #expect {
      try bob.applyBundle(at: path)
    } throws: {
      "\($0)".contains("made by an older Folio")
    }
  }

  /// Alice with articles, Bob empty with a remote, and Alice's changes with her head at the
  /// last: what a pull page would bring Bob.
  static func pullingPair(
    in directory: TemporaryDirectory
  ) throws -> (Replica, Replica, [Change], SignedHead) {
    let alice = try replica("alice", in: directory)
    let bob = try replica("bob", in: directory, articles: 0)
    try bob.addRemote(name: "origin", url: "http://127.0.0.1:1", space: "s", token: "t")
    let changes = try alice.changes(notCoveredBy: VersionVector())
    return (alice, bob, changes, try alice.signedHead(at: changes.count))
  }

  @Test func aPulledPageIsVerifiedBeforeItIsApplied() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let (alice, bob, changes, head) = try Self.pullingPair(in: directory)

    var altered = changes
    altered[0].value = .string("altered")
    #expect {
      try bob.applyPulled(altered, heads: [head], remote: "origin", cursor: changes.count)
    } throws: {
      guard case .unverifiedChanges(let invalid) = $0 as? ReplicaError else { return false }
      return invalid.rule == .chain && invalid.site == alice.site
    }
    #expect(throws: ReplicaError.self) {
      try bob.applyPulled(changes, heads: [], remote: "origin", cursor: changes.count)
    }
    #expect(try bob.changeCount() == 0)
    #expect(try bob.remote(named: "origin")?.cursor == 0)

    let report = try bob.applyPulled(
      changes, heads: [head], remote: "origin", cursor: changes.count)
    #expect(report.added == changes.count)
    #expect(try bob.newestHead(of: alice.site) == head)
    #expect(try bob.remote(named: "origin")?.cursor == changes.count)
  }

  /// A page as the sync client reads it: its changes are hashed from the bytes they came in,
  /// so a change altered on the way (still well formed) fails the chain all the same.
  @Test func aDecodedPageIsVerifiedFromItsOwnBytes() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let (alice, bob, changes, head) = try Self.pullingPair(in: directory)
    func page(_ changes: [[UInt8]]) throws -> PullResponse {
      let list = changes.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",")
      let body =
        #"{"changes":[\#(list)],"cursor":\#(changes.count),"heads":["#
        + String(decoding: head.encoded(), as: UTF8.self) + #"],"more":false}"#
      return try PullResponse.decode(Array(body.utf8))
    }
    var bytes = changes.map { ChangeJSON.encode($0) }
    let genuine = try page(bytes)
    #expect(genuine.changeBytes?.count == changes.count)
    #expect(
      genuine == PullResponse(changes: changes, heads: [head], cursor: changes.count, more: false))

    var altered = changes[0]
    altered.value = .string("altered")
    bytes[0] = ChangeJSON.encode(altered)
    #expect {
      try bob.applyPulled(try page(bytes), remote: "origin")
    } throws: {
      guard case .unverifiedChanges(let invalid) = $0 as? ReplicaError else { return false }
      return invalid.rule == .chain && invalid.site == alice.site
    }
    #expect(try bob.changeCount() == 0)

    #expect(try bob.applyPulled(genuine, remote: "origin").added == changes.count)
    #expect(try bob.remote(named: "origin")?.cursor == changes.count)
    #expect(try canonicalExport(bob) == canonicalExport(alice))
  }

  @Test func anUpgradedReplicaCannotSignUntilRekeyed() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("old.sqlite")
    try FileManager.default.copyItem(
      atPath: UpgradeTests.fixtures.appendingPathComponent("replica-v2.sqlite").path,
      toPath: path)
    let (export, count) = try Self.checkCannotSign(at: path, directory: directory)

    let report = try Replica.rekey(at: path)
    let rekeyed = try Replica.open(at: path)
    #expect(rekeyed.canSign && rekeyed.site == report.newSite)
    #expect(try canonicalExport(rekeyed) == export)
    #expect(try rekeyed.changeCount() == count)
    #expect(try rekeyed.versionVector()[report.oldSite] == 0, "all its changes moved")
    let bundle = directory.file("new.bundle")
    _ = try rekeyed.createBundle(at: bundle, for: nil)
    #expect(try Replica.bundleHeader(at: bundle).heads.map(\.site).contains(report.newSite))
  }

  /// Opens the upgraded replica at `path`, checks it refuses to sign, and closes it again:
  /// returns its export and change count.
  static func checkCannotSign(
    at path: String, directory: TemporaryDirectory
  ) throws -> (Data, Int) {
    let old = try Replica.open(at: path)
    #expect(!old.canSign)
    #expect(try old.db.scalarInt("PRAGMA user_version") == Int64(ReplicaSchema.latestVersion))
    #expect {
      try old.createBundle(at: directory.file("x.bundle"), for: nil)
    } throws: {
      "\($0)".contains("folio rekey")
    }
    #expect(throws: ReplicaError.self) { try old.signedHead(at: 1) }
    return (try canonicalExport(old), try old.changeCount())
  }
}
