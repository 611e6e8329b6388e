import FolioModel
import FolioSQLite

#if canImport(Glibc)
  import Glibc
#endif

/// What giving a replica a new site id did.
public struct RekeyReport: Equatable, Sendable {
  /// The site id the file had (and shares with its copy).
  public let oldSite: SiteID
  /// The file's own site id from now on.
  public let newSite: SiteID
  /// This replica's changes no remote had acknowledged, now made again under the new id.
  public let movedChanges: Int
}

extension Replica {
  /// Gives the replica file at `path` a new key pair and so a new site id (derived from the
  /// key, `Protocol/signing.md` §1), for a file copied from another replica (two files with
  /// one site id make different changes with the same ids, which nobody can take in), or
  /// for a replica made before signed changes, whose site id cannot sign: all its changes
  /// move then.
  ///
  /// The changes of the old id that some remote acknowledged stay as they are: they are the
  /// team's. The later ones, which only this copy may have, are made again under the new id,
  /// with the same content and clock, their `pred` and delete contexts pointing at the new
  /// ids; the old ones leave this file. Every remote is read again from the start at the next
  /// sync, which brings back whatever the other copy pushed under the old id.
  ///
  /// The new file is built beside the old one and renamed over it: a crash leaves the old
  /// file as it was.
  ///
  /// - Parameters:
  ///   - path: The replica file, closed by every other process.
  ///   - wallClock: Unix milliseconds now; tests pass their own.
  /// - Returns: The old and new site ids and how many changes moved.
  /// - Throws: `ReplicaError` saying what went wrong; the file is unchanged then.
  public static func rekey(
    at path: String, wallClock: @escaping @Sendable () -> UInt64 = Replica.systemClock
  ) throws(ReplicaError) -> RekeyReport {
    let temporary = path + ".rekey"
    for suffix in ["", "-wal", "-shm"] { unlink(temporary + suffix) }
    do {
      let report = try buildRekeyed(from: path, into: temporary, wallClock: wallClock)
      // Both files are closed: SQLite removed their write-ahead logs. One left beside the old
      // file means another process still has it open, and would be read into the new file.
      guard access(path + "-wal", F_OK) != 0 else {
        throw ReplicaError.invalidOperation(
          "\(path) is open in another folio process: close it, then run 'folio rekey' again")
      }
      guard rename(temporary, path) == 0 else {
        throw ReplicaError.invalidOperation(
          "cannot replace \(path): \(String(cString: strerror(errno)))")
      }
      unlink(temporary + "-shm")
      return report
    } catch {
      for suffix in ["", "-wal", "-shm"] { unlink(temporary + suffix) }
      throw Replica.wrap(error, path: path)
    }
  }

  /// Opens `path`, writes its rekeyed copy to `temporary`, and closes both.
  private static func buildRekeyed(
    from path: String, into temporary: String, wallClock: @escaping @Sendable () -> UInt64
  ) throws -> RekeyReport {
    let old = try Replica.open(at: path, wallClock: wallClock)
    let fresh = try Replica.create(at: temporary, author: old.author, wallClock: wallClock)
    let moved = try fresh.transaction { try fresh.takeIn(old) }
    return RekeyReport(oldSite: old.site, newSite: fresh.site, movedChanges: moved)
  }

  /// Copies `old`'s log and remotes into this new, empty replica, moving `old`'s own changes
  /// no remote acknowledged to this replica's site. Returns how many moved.
  private func takeIn(_ old: Replica) throws -> Int {
    let remotes = try old.remotes()
    // A replica made before signed changes moves all its changes: no protocol 2 server or
    // peer takes any of its old site's, which it cannot sign.
    let acknowledged = old.canSign ? remotes.map(\.pushed).max() ?? 0 : 0
    var moving: [Change] = []
    var piece: [Change] = []
    try old.forEachChange(notCoveredBy: VersionVector()) { change in
      if change.site == old.site, change.seq > acknowledged {
        moving.append(change)
        return
      }
      piece.append(change)
      if piece.count == 2_000 {
        _ = try integrate(piece, fromElsewhere: true)
        piece.removeAll(keepingCapacity: true)
      }
    }
    _ = try integrate(piece, fromElsewhere: true)
    let moved = Replica.moved(moving, from: old.site, to: site, keeping: acknowledged)
    for change in moved { try change.validate() }
    _ = try integrate(moved, fromElsewhere: true)
    // The heads held of other sites (and of the old one, up to what stays) keep them
    // relayable and bundleable.
    let holding = try versionVector()
    for (site, head) in try old.heldHeads() where head.seq <= holding[site] {
      try recordVerified([site: head])
    }
    for remote in remotes {
      try db.run(
        "INSERT INTO remotes (name, url, space, token, cursor, pushed, last_sync)"
          + " VALUES (?1, ?2, ?3, ?4, 0, 0, ?5)",
        remote.name, remote.url, remote.space, remote.token,
        remote.lastSync.map { Int64($0) })
    }
    return moved.count
  }

  /// `changes` (of `oldSite`, in seq order, all after `kept`) made again under `newSite` with
  /// seqs 1, 2, 3 …; a `pred` naming one of them names its new id, and a delete's context
  /// covers of `oldSite` only what was kept and of `newSite` what moved from what it covered.
  static func moved(
    _ changes: [Change], from oldSite: SiteID, to newSite: SiteID, keeping kept: Int
  ) -> [Change] {
    var newSeq: [Int: Int] = [:]
    for (index, change) in changes.enumerated() { newSeq[change.seq] = index + 1 }
    return changes.enumerated().map { index, change in
      let pred = change.pred.map { dot in
        dot.site == oldSite ? newSeq[dot.seq].map { Dot(site: newSite, seq: $0) } ?? dot : dot
      }
      let context = change.context.map { context in
        var remapped = context
        let covered = context[oldSite]
        remapped[oldSite] = min(covered, kept)
        remapped[newSite] = changes.lazy.filter { $0.seq <= covered }.count
        return remapped
      }
      return Change(
        site: newSite, seq: index + 1, hlc: change.hlc, author: change.author,
        entity: change.entity, field: change.field, op: change.op, value: change.value,
        pred: pred, context: context)
    }
  }
}
