import FolioModel
import FolioReplica

/// What `SyncClient` needs of a replica, and nothing more: who it is, what it knows of each
/// remote, its own changes to push and a way to take in pulled ones. `Replica` (SQLite)
/// conforms; the sync tests use one in memory.
///
/// Every requirement that writes is atomic: it does all it says or throws and changes
/// nothing, so a sync stopped between two calls loses nothing and doubles nothing when it
/// runs again. The client calls these once per page or batch, never once per change.
public protocol SyncReplica {
  /// This replica's site: the one whose changes it pushes and signs heads for.
  var site: SiteID { get }

  /// The name this replica writes as: the author of every change of its site and of the
  /// heads it signs.
  var author: String { get }

  /// False for a replica whose site id was made before changes were signed: it cannot sign
  /// a head, so it cannot sync.
  var canSign: Bool { get }

  /// This machine's wall clock in Unix milliseconds, the one the replica stamps changes
  /// with, to compare with the server's.
  var wallClockNow: UInt64 { get }

  /// The remote with this name (its URL, space, token, pull cursor and what it acknowledged
  /// of this site), or nil when there is none.
  func remote(named name: String) throws(ReplicaError) -> Remote?

  /// How many conflicts are open, to tell how many a sync made.
  func conflictCount() throws(ReplicaError) -> Int

  /// Records that a sync with `remote` completed, now.
  func recordSync(remote: String) throws(ReplicaError)

  /// The furthest position of `remote`'s history this replica has seen and the change
  /// there, nil before the first exchange (or for a remote an older Folio synced with).
  func historyCheckpoint(remote: String) throws(ReplicaError) -> HistoryCheckpoint?

  /// Verifies a pulled page's signed heads, then takes in its changes and moves `remote`'s
  /// cursor to the page's, all at once.
  ///
  /// - Throws: `ReplicaError.unverifiedChanges` when the heads do not hold; nothing of the
  ///   page is applied then.
  func applyPulled(_ page: PullResponse, remote: String) throws(ReplicaError) -> ApplyReport

  /// Reads `remote`'s history again from its start (cursor 0, no checkpoint), the server
  /// holding this site's changes up to `pushedSeq`: its history is not the one the
  /// checkpoint came from.
  func restartHistory(remote: String, pushedSeq: Int) throws(ReplicaError)

  /// At most `limit` of this site's changes after `remote.pushed`, oldest first.
  func unpushedChanges(remote: Remote, limit: Int) throws(ReplicaError) -> [Change]

  /// How many of this site's changes `remote` has not acknowledged.
  func unpushedCount(remote: Remote) throws(ReplicaError) -> Int

  /// A head of this site at `seq`, signed now, for a push of its changes up to `seq`.
  ///
  /// - Throws: `ReplicaError.cannotSign` for a replica that cannot sign.
  func signedHead(at seq: Int) throws(ReplicaError) -> SignedHead

  /// Records that `remote` acknowledged this site's changes up to `seq`; `checkpoint` is
  /// where it stored the last of them, when it stored any.
  func recordPushed(
    remote: String, upTo seq: Int, checkpoint: HistoryCheckpoint?
  ) throws(ReplicaError)

  /// Makes `seq` the last of this site's changes `remote` holds, after it lost some that it
  /// had acknowledged (restored from a backup).
  func resetPushed(remote: String, to seq: Int) throws(ReplicaError)

  /// True when `remote` may lack other sites' changes this replica holds (a bundle brought
  /// some since the last relay to it).
  func relayPending(remote: String) throws(ReplicaError) -> Bool

  /// For each other site whose newest held head is beyond `vector` (what a server holds),
  /// that head, sorted by site.
  func relayHeads(beyond vector: VersionVector) throws(ReplicaError) -> [SignedHead]

  /// The changes held that `vector` does not cover, in (site, seq) order; only `site`'s
  /// when given.
  func changes(
    notCoveredBy vector: VersionVector, site: SiteID?
  ) throws(ReplicaError) -> [Change]

  /// Records that `remote` was given every other site's changes this replica can relay.
  func clearRelayPending(remote: String) throws(ReplicaError)
}

extension Replica: SyncReplica {}
