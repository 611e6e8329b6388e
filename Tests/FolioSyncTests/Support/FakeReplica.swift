import FolioModel
import FolioReplica
import FolioSync

/// A site other than the replica's: its key, author and changes, to seed a server or a
/// replica with and to sign heads for.
struct OtherSite {
  let key = SiteKey()
  let author: String
  private(set) var changes: [Change] = []

  init(author: String) {
    self.author = author
  }

  var site: SiteID { key.site }

  /// Makes `count` more changes of this site.
  mutating func write(_ count: Int) {
    changes += Fixture.changes(site: site, author: author, after: changes.count, count: count)
  }

  /// The head of this site at `seq`.
  func head(at seq: Int) -> SignedHead {
    Fixture.head(of: changes, at: seq, author: author, key: key)
  }
}

/// Changes and heads for the tests.
enum Fixture {
  /// `count` changes of `site`, seqs `after + 1 …`, each setting an article's title.
  static func changes(site: SiteID, author: String, after: Int, count: Int) -> [Change] {
    (after + 1..<after + 1 + count).map { seq in
      Change(
        site: site, seq: seq,
        hlc: HybridTimestamp(milliseconds: 1_700_000_000_000 + UInt64(seq), counter: 0),
        author: author, entity: .article(String(seq * 7919, radix: 16)), field: Field.title,
        op: .set, value: .string("title \(seq)"))
    }
  }

  /// A head at `seq` over `changes` (a site's, from seq 1), signed with `key`.
  static func head(of changes: [Change], at seq: Int, author: String, key: SiteKey)
    -> SignedHead
  {
    var chain = SiteChain.empty
    for change in changes.prefix(seq) { chain = chain.appending(ChangeJSON.encode(change)) }
    return SignedHead(signing: chain, author: author, with: key)
  }
}

/// A replica in memory: what `SyncClient` reads of it is set by the test, and what the
/// client does to it is recorded.
final class FakeReplica: SyncReplica {
  let key = SiteKey()
  let author: String
  var canSign = true
  var wallClockNow: UInt64 = 1_700_000_000_000
  var remotes: [String: Remote] = [:]
  /// This replica's own changes, seq 1, 2, 3 …
  private(set) var own: [Change] = []
  /// Other sites' changes held, and their newest heads held (what a relay sends).
  var others: [Change] = []
  var otherHeads: [SignedHead] = []
  var checkpoints: [String: HistoryCheckpoint] = [:]
  var pendingRelays: Set<String> = []
  var conflicts = 0
  /// When set, `applyPulled` refuses every page as the real replica does a forged one.
  var refuseHeads: InvalidHead?

  struct AppliedPage: Equatable {
    let changes: [Change]
    let heads: [SignedHead]
    let remote: String
    let cursor: Int
  }

  struct PushRecord: Equatable {
    let remote: String
    let seq: Int
    let checkpoint: HistoryCheckpoint?
  }

  /// What the client did, in order.
  private(set) var applied: [AppliedPage] = []
  private(set) var pushRecords: [PushRecord] = []
  private(set) var resets: [(remote: String, seq: Int)] = []
  private(set) var restarts: [(remote: String, pushedSeq: Int)] = []
  private(set) var completedSyncs: [String] = []

  init(author: String = "alice") {
    self.author = author
  }

  var site: SiteID { key.site }

  /// Adds a remote at `http://server.test`, space `notes`.
  func addRemote(
    _ name: String = "origin", token: String = "token-1", cursor: Int = 0, pushed: Int = 0
  ) {
    remotes[name] = Remote(
      name: name, url: "http://server.test", space: "notes", token: token, cursor: cursor,
      pushed: pushed)
  }

  /// Makes `count` more changes of this replica's own.
  func write(_ count: Int) {
    own += Fixture.changes(site: site, author: author, after: own.count, count: count)
  }

  /// Takes in other sites' changes without a server (as a bundle does).
  func hold(_ site: OtherSite) {
    others.removeAll { $0.site == site.site }
    others += site.changes
    otherHeads.removeAll { $0.site == site.site }
    otherHeads.append(site.head(at: site.changes.count))
  }

  private func update(_ name: String, cursor: Int? = nil, pushed: Int? = nil) {
    guard let remote = remotes[name] else { return }
    remotes[name] = Remote(
      name: name, url: remote.url, space: remote.space, token: remote.token,
      cursor: cursor ?? remote.cursor, pushed: pushed ?? remote.pushed,
      lastSync: remote.lastSync)
  }

  private func advanceCheckpoint(_ checkpoint: HistoryCheckpoint, remote: String) {
    if let current = checkpoints[remote], current.position > checkpoint.position { return }
    checkpoints[remote] = checkpoint
  }

  // MARK: SyncReplica

  func remote(named name: String) throws(ReplicaError) -> Remote? { remotes[name] }

  func conflictCount() throws(ReplicaError) -> Int { conflicts }

  func recordSync(remote: String) throws(ReplicaError) { completedSyncs.append(remote) }

  func historyCheckpoint(remote: String) throws(ReplicaError) -> HistoryCheckpoint? {
    checkpoints[remote]
  }

  func applyPulled(_ page: PullResponse, remote: String) throws(ReplicaError) -> ApplyReport {
    let (changes, heads, cursor) = (page.changes, page.heads, page.cursor)
    if let refuseHeads { throw .unverifiedChanges(refuseHeads) }
    applied.append(AppliedPage(changes: changes, heads: heads, remote: remote, cursor: cursor))
    var report = ApplyReport()
    for change in changes {
      let held = change.site == site ? own.contains(change) : others.contains(change)
      if held {
        report.duplicates += 1
      } else {
        others.append(change)
        report.added += 1
      }
    }
    update(remote, cursor: cursor)
    if let last = changes.last {
      advanceCheckpoint(HistoryCheckpoint(position: cursor, dot: last.dot), remote: remote)
    }
    return report
  }

  func restartHistory(remote: String, pushedSeq: Int) throws(ReplicaError) {
    restarts.append((remote, pushedSeq))
    update(remote, cursor: 0, pushed: pushedSeq)
    checkpoints[remote] = nil
  }

  func unpushedChanges(remote: Remote, limit: Int) throws(ReplicaError) -> [Change] {
    Array(own.dropFirst(remote.pushed).prefix(limit))
  }

  func unpushedCount(remote: Remote) throws(ReplicaError) -> Int {
    max(0, own.count - remote.pushed)
  }

  func signedHead(at seq: Int) throws(ReplicaError) -> SignedHead {
    guard canSign else { throw .cannotSign(site: site) }
    return Fixture.head(of: own, at: seq, author: author, key: key)
  }

  func recordPushed(
    remote: String, upTo seq: Int, checkpoint: HistoryCheckpoint?
  ) throws(ReplicaError) {
    pushRecords.append(PushRecord(remote: remote, seq: seq, checkpoint: checkpoint))
    update(remote, pushed: max(remotes[remote]?.pushed ?? 0, seq))
    if let checkpoint { advanceCheckpoint(checkpoint, remote: remote) }
  }

  func resetPushed(remote: String, to seq: Int) throws(ReplicaError) {
    resets.append((remote, seq))
    update(remote, pushed: seq)
  }

  func relayPending(remote: String) throws(ReplicaError) -> Bool {
    pendingRelays.contains(remote)
  }

  func relayHeads(beyond vector: VersionVector) throws(ReplicaError) -> [SignedHead] {
    otherHeads.filter { $0.seq > vector[$0.site] }.sorted { $0.site < $1.site }
  }

  func changes(
    notCoveredBy vector: VersionVector, site: SiteID?
  ) throws(ReplicaError) -> [Change] {
    (own + others)
      .filter { !vector.covers($0.dot) && (site == nil || $0.site == site) }
      .sorted { $0.dot < $1.dot }
  }

  func clearRelayPending(remote: String) throws(ReplicaError) {
    pendingRelays.remove(remote)
  }
}
