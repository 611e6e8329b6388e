import FolioArticles
import FolioModel
import FolioSQLite

/// A position in a server's history and the change this replica saw there: if the server
/// later holds another change there (or none), its history went back (a restore).
public struct HistoryCheckpoint: Equatable, Sendable {
  /// The server sequence number.
  public let position: Int
  /// The change at that position.
  public let dot: Dot

  public init(position: Int, dot: Dot) {
    self.position = position
    self.dot = dot
  }
}

/// A sync server this replica exchanges changes with.
public struct Remote: Equatable, Sendable {
  public let name: String
  public let url: String
  public let space: String
  /// The bearer token; kept in the replica file (mode 0600), never printed.
  public let token: String
  /// The server sequence number of the last change pulled.
  public let cursor: Int
  /// The highest seq of this replica's own changes the server acknowledged.
  public let pushed: Int
  /// Unix milliseconds of the last completed sync.
  public let lastSync: UInt64?

  /// A remote as a replica holds it (public so that a `SyncReplica` kept elsewhere than
  /// SQLite, as in the sync tests, can hand out its own).
  public init(
    name: String, url: String, space: String, token: String, cursor: Int = 0, pushed: Int = 0,
    lastSync: UInt64? = nil
  ) {
    self.name = name
    self.url = url
    self.space = space
    self.token = token
    self.cursor = cursor
    self.pushed = pushed
    self.lastSync = lastSync
  }
}

extension Replica {
  /// Adds a remote.
  public func addRemote(name: String, url: String, space: String, token: String)
    throws(ReplicaError)
  {
    guard Replica.isValidRemoteName(name) else {
      throw .invalidOperation("remote names are 1 to 64 letters, digits, '-', '_' or '.'")
    }
    let url = try Replica.remoteURL(url)
    guard !space.isEmpty, !token.isEmpty else {
      throw .invalidOperation("a remote needs a space and a token")
    }
    try transaction {
      guard try remote(named: name) == nil else {
        throw ReplicaError.invalidOperation("a remote named '\(name)' already exists")
      }
      try db.run(
        "INSERT INTO remotes (name, url, space, token) VALUES (?1, ?2, ?3, ?4)",
        name, url, space, token)
      // The new server may lack other sites' changes this replica holds.
      try markRelayPending(remote: name)
    }
  }

  /// Points a remote at another URL (its server moved), keeping its space, token, cursor and
  /// checkpoint. Should the URL lead to another server, the next pull finds that the
  /// checkpoint's change is not where it was and reads that server's history from the start;
  /// and the next sync, as after `addRemote`, offers it the other sites' changes held here.
  public func setRemoteURL(name: String, url: String) throws(ReplicaError) {
    let url = try Replica.remoteURL(url)
    try transaction {
      try db.run("UPDATE remotes SET url = ?1 WHERE name = ?2", url, name)
      if db.changes == 0 { throw ReplicaError.invalidOperation("no remote named '\(name)'") }
      try markRelayPending(remote: name)
    }
  }

  /// `url` as a remote keeps it (without a trailing slash), or why it cannot be one.
  static func remoteURL(_ url: String) throws(ReplicaError) -> String {
    guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
      throw .invalidOperation("the remote URL must start with http:// or https://")
    }
    return url.hasSuffix("/") ? String(url.dropLast()) : url
  }

  static func isValidRemoteName(_ name: String) -> Bool {
    !name.isEmpty && name.count <= 64
      && name.unicodeScalars.allSatisfy {
        $0.isASCII
          && ($0.properties.isAlphabetic || ("0"..."9").contains($0)
            || "-_.".unicodeScalars.contains($0))
      }
  }

  /// Removes a remote.
  public func removeRemote(name: String) throws(ReplicaError) {
    try transaction {
      try db.run("DELETE FROM remotes WHERE name = ?1", name)
      if db.changes == 0 { throw ReplicaError.invalidOperation("no remote named '\(name)'") }
      try db.run("DELETE FROM meta WHERE key = ?1", Replica.checkpointKey(name))
      try db.run("DELETE FROM meta WHERE key = ?1", Replica.relayKey(name))
    }
  }

  /// Every remote, by name.
  public func remotes() throws(ReplicaError) -> [Remote] {
    do {
      return try db.rows(
        "SELECT name, url, space, token, cursor, pushed, last_sync FROM remotes ORDER BY name",
        [], Replica.remote(row:))
    } catch { throw Replica.wrap(error) }
  }

  /// The remote with this name, or nil.
  public func remote(named name: String) throws(ReplicaError) -> Remote? {
    do {
      return try db.firstRow(
        "SELECT name, url, space, token, cursor, pushed, last_sync FROM remotes WHERE name = ?1",
        [name], Replica.remote(row:))
    } catch { throw Replica.wrap(error) }
  }

  private static func remote(row: Row) -> Remote {
    Remote(
      name: row.string(0), url: row.string(1), space: row.string(2), token: row.string(3),
      cursor: row.int(4), pushed: row.int(5),
      lastSync: row.isNull(6) ? nil : UInt64(row.int64(6)))
  }

  /// Applies a page of pulled changes and records the new cursor in the same transaction,
  /// so a sync killed at any point resumes where it stopped. The page's last change becomes
  /// the remote's history checkpoint when it is the furthest position known.
  ///
  /// The page's signed heads are verified first (`Protocol/signing.md` §4, H4–H6, against
  /// what this replica holds): a page that fails changes nothing and throws
  /// `ReplicaError.unverifiedChanges` naming the rule and the site.
  public func applyPulled(
    _ changes: [Change], heads: [SignedHead], remote: String, cursor: Int
  ) throws(ReplicaError) -> ApplyReport {
    try applyPulled(
      PullResponse(changes: changes, heads: heads, cursor: cursor, more: false), remote: remote)
  }

  /// `applyPulled` for a page as read: when `decode` read it, its changes are hashed from
  /// the bytes they came in and not validated again (`ChangeJSON.decode` did).
  public func applyPulled(_ page: PullResponse, remote: String) throws(ReplicaError)
    -> ApplyReport
  {
    try transaction {
      // Only changes new here are hashed (a page also brings back this replica's own).
      let held = try versionVector()
      let items = page.changes.indices.map { index in
        let change = page.changes[index]
        let bytes: ArraySlice<UInt8> =
          change.seq <= held[change.site]
          ? [] : page.changeBytes?[index] ?? ArraySlice(ChangeJSON.encode(change))
        return HeadVerifier.Item(dot: change.dot, author: change.author, bytes: bytes)
      }
      let advanced = try verify(items, heads: page.heads, held: held)
      var session = try beginApply()
      try session.add(
        page.changes,
        hints: page.changeBytes.flatMap { bytes in
          page.changeValueRanges.map { PieceHints(page.changes, bytes: bytes, valueRanges: $0) }
        },
        decoded: page.changeBytes != nil)
      try recordVerified(advanced)
      let report = try session.finish()
      try db.run("UPDATE remotes SET cursor = ?1 WHERE name = ?2", page.cursor, remote)
      if let last = page.changes.last {
        try advanceCheckpoint(
          HistoryCheckpoint(position: page.cursor, dot: last.dot), remote: remote)
      }
      return report
    }
  }

  /// Records that the server acknowledged this replica's changes up to `seq`; `checkpoint`
  /// is where the server stored the last of them, when it stored any.
  public func recordPushed(
    remote: String, upTo seq: Int, checkpoint: HistoryCheckpoint? = nil
  ) throws(ReplicaError) {
    try transaction {
      try db.run("UPDATE remotes SET pushed = max(pushed, ?1) WHERE name = ?2", seq, remote)
      if let checkpoint { try advanceCheckpoint(checkpoint, remote: remote) }
    }
  }

  /// The furthest position of a remote's history this replica has seen, and the change
  /// there (nil before the first exchange, or for a remote an older Folio synced with).
  public func historyCheckpoint(remote: String) throws(ReplicaError) -> HistoryCheckpoint? {
    do {
      guard
        let text = try db.firstRow(
          "SELECT value FROM meta WHERE key = ?1", [Replica.checkpointKey(remote)],
          { $0.string(0) })
      else { return nil }
      let parts = text.split(separator: ":")
      guard parts.count == 3, let position = Int(parts[0]),
        let site = SiteID(rawValue: String(parts[1])), let seq = Int(parts[2])
      else { throw StoredDataDamaged() }
      return HistoryCheckpoint(position: position, dot: Dot(site: site, seq: seq))
    } catch { throw Replica.wrap(error) }
  }

  private func advanceCheckpoint(_ checkpoint: HistoryCheckpoint, remote: String) throws {
    if let current = try historyCheckpoint(remote: remote),
      current.position > checkpoint.position
    {
      return
    }
    try db.run(
      "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", Replica.checkpointKey(remote),
      "\(checkpoint.position):\(checkpoint.dot.site.rawValue):\(checkpoint.dot.seq)")
  }

  /// Starts reading a remote's history again from the beginning, and makes `pushedSeq` the
  /// highest of this replica's changes it holds: for a server whose history is not the one
  /// the checkpoint came from (restored from a backup, failed over to a lagging database).
  /// Changes already here are skipped when they come again.
  public func restartHistory(remote: String, pushedSeq: Int) throws(ReplicaError) {
    try transaction {
      try db.run(
        "UPDATE remotes SET cursor = 0, pushed = ?1 WHERE name = ?2", pushedSeq, remote)
      try db.run("DELETE FROM meta WHERE key = ?1", Replica.checkpointKey(remote))
    }
  }

  static func checkpointKey(_ remote: String) -> String { "checkpoint:\(remote)" }

  static func relayKey(_ remote: String) -> String { "relay:\(remote)" }

  /// Notes that every remote may lack other sites' changes this replica took in (from a
  /// bundle): the next sync with each asks the server what it holds, once, and relays them.
  func markRelayPending() throws {
    for remote in try remotes() { try markRelayPending(remote: remote.name) }
  }

  /// Notes that `remote` may lack other sites' changes this replica holds.
  private func markRelayPending(remote: String) throws {
    try db.run(
      "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, '1')", Replica.relayKey(remote))
  }

  /// True when `remote` may lack other sites' changes this replica holds (a bundle brought
  /// some since the last relay to it).
  public func relayPending(remote: String) throws(ReplicaError) -> Bool {
    do {
      return try db.firstRow(
        "SELECT 1 FROM meta WHERE key = ?1", [Replica.relayKey(remote)], { _ in true }) ?? false
    } catch { throw Replica.wrap(error) }
  }

  /// Records that `remote` was given every other site's changes this replica can relay.
  public func clearRelayPending(remote: String) throws(ReplicaError) {
    try transaction { try db.run("DELETE FROM meta WHERE key = ?1", Replica.relayKey(remote)) }
  }

  /// What this replica can relay to a server holding `vector`: for each other site whose
  /// newest held head is beyond `vector`, that head (its changes after `vector` up to it are
  /// `changes(notCoveredBy:site:)`, cut at the head's seq).
  public func relayHeads(beyond vector: VersionVector) throws(ReplicaError) -> [SignedHead] {
    do {
      let held = try versionVector()
      return try heldHeads().values
        .filter { $0.site != site && $0.seq > vector[$0.site] && held[$0.site] >= $0.seq }
        .sorted { $0.site < $1.site }
    } catch { throw Replica.wrap(error) }
  }

  /// This machine's wall clock, Unix milliseconds (the one the replica stamps changes with).
  public var wallClockNow: UInt64 { wallClock() }

  /// Resets what the server is believed to have of this replica (after the server lost data).
  public func resetPushed(remote: String, to seq: Int) throws(ReplicaError) {
    try transaction { try db.run("UPDATE remotes SET pushed = ?1 WHERE name = ?2", seq, remote) }
  }

  /// Records a completed sync.
  public func recordSync(remote: String) throws(ReplicaError) {
    let now = Int64(wallClock())
    try transaction { try db.run("UPDATE remotes SET last_sync = ?1 WHERE name = ?2", now, remote) }
  }

  /// A head of this replica's own site at `seq`, signed now, for a push of its changes up
  /// to `seq`.
  ///
  /// - Throws: `ReplicaError.cannotSign` for a replica made before signed changes.
  public func signedHead(at seq: Int) throws(ReplicaError) -> SignedHead {
    try transaction { try signHead(at: seq) }
  }

  /// This replica's own changes the server has not acknowledged, oldest first.
  public func unpushedChanges(remote: Remote, limit: Int) throws(ReplicaError) -> [Change] {
    do {
      var result: [Change] = []
      try changeLog().forEachChunk(of: site, after: remote.pushed) { changes in
        result += changes.prefix(limit - result.count)
        return result.count < limit
      }
      return result
    } catch { throw Replica.wrap(error) }
  }

  /// How many of this replica's own changes a remote has not acknowledged.
  public func unpushedCount(remote: Remote) throws(ReplicaError) -> Int {
    do { return max(0, try versionVector()[site] - remote.pushed) } catch {
      throw Replica.wrap(error)
    }
  }
}
