import FolioModel
import FolioSQLite

/// Signed authorship on the replica's side (`Protocol/signing.md`): where each site's hash
/// chain stands, the newest signed head held for each site, signing this replica's own heads
/// and verifying the heads of changes from elsewhere.
///
/// The replica's own chain is not advanced by local edits (authoring stays one log append):
/// it is brought up to date from the log when the replica signs, at a push or a bundle.
extension Replica {
  /// True when this replica's site id is derived from its key, so it can sign its changes.
  /// A replica made before signed changes (protocol 1) cannot until `folio rekey`.
  public var canSign: Bool { key.site == site }

  /// The newest signed head this replica holds for `site` (verified when it arrived, or
  /// signed here for its own site), or nil.
  public func newestHead(of site: SiteID) throws(ReplicaError) -> SignedHead? {
    do { return try storedChain(of: site)?.head } catch { throw Replica.wrap(error) }
  }

  /// The newest signed head held for every site that has one.
  func heldHeads() throws -> [SiteID: SignedHead] {
    let sites = try sites()
    var heads: [SiteID: SignedHead] = [:]
    for (key, bytes) in try db.rows(
      "SELECT site_key, head FROM chains WHERE head IS NOT NULL", [],
      { ($0.int(0), $0.blob(1)) })
    {
      guard let site = sites.site(forKey: key), let head = try? SignedHead.decode(bytes),
        head.site == site
      else { throw StoredDataDamaged() }
      heads[site] = head
    }
    return heads
  }

  /// A head of this replica's own site at `seq` (at most what it holds), signed now, and kept
  /// as the site's newest head when it is.
  ///
  /// - Throws: `ReplicaError.cannotSign` for a replica whose site id is not its key's.
  func signHead(at seq: Int) throws -> SignedHead {
    guard canSign else { throw ReplicaError.cannotSign(site: site) }
    let position = try chain(of: site, at: seq)
    let head = SignedHead(signing: position, author: author, with: key)
    let stored = try storedChain(of: site)
    if (stored?.head?.seq ?? 0) <= seq {
      try saveChain(furthest(position, stored?.chain), head: head, of: site)
    }
    return head
  }

  /// Where `site`'s chain stands at `seq` (a seq of it this replica holds every change up
  /// to): the stored position, extended from the log when it is behind. A position further
  /// on is saved.
  func chain(of site: SiteID, at seq: Int) throws -> SiteChain {
    let stored = try storedChain(of: site)
    var position = stored?.chain ?? .empty
    // Asked for an earlier position than the stored one (a push split in batches after a
    // bundle signed further on): go on from the last such position computed here, else
    // hash again from the start. Without that, each batch of a long push hashed the whole
    // log again (370,000 changes took 222 s to push instead of seconds).
    if position.seq > seq {
      position = recentChains[site].flatMap { $0.seq <= seq ? $0 : nil } ?? .empty
    }
    if position.seq < seq {
      try changeLog().forEachChunk(of: site, after: position.seq) { changes in
        for change in changes where change.seq <= seq {
          guard change.seq == position.seq + 1 else { throw StoredDataDamaged() }
          position = position.appending(ChangeJSON.encode(change))
        }
        return position.seq < seq
      }
    }
    guard position.seq == seq else { throw StoredDataDamaged() }
    if position.seq > stored?.chain.seq ?? 0 {
      try saveChain(position, head: stored?.head, of: site)
    } else if position.seq < stored?.chain.seq ?? 0 {
      recentChains[site] = position
    }
    return position
  }

  /// Checks changes from elsewhere against their signed heads (`HeadVerifier`, H4–H6) and
  /// what this replica holds (or held: `held`, when the changes are already in the log of
  /// the transaction), without writing anything but chain positions brought up to date.
  /// Returns the heads that bring new changes; `recordVerified` keeps them once the changes
  /// are in.
  ///
  /// - Throws: `InvalidHead` naming the rule and the site.
  func verify<Bytes: Collection<UInt8>>(
    _ items: [HeadVerifier.Item<Bytes>], heads: [SignedHead], held: VersionVector? = nil
  ) throws -> [SiteID: SignedHead] {
    let held = try held ?? versionVector()
    var highest: [SiteID: Int] = [:]
    for item in items { highest[item.dot.site] = max(highest[item.dot.site] ?? 0, item.dot.seq) }
    return try HeadVerifier.verify(items, heads: heads) { site in
      let contiguous = held[site]
      // A site the message brings nothing new of is not hashed: the verifier only compares
      // seqs then (the held changes' bytes are compared when they are integrated).
      guard (highest[site] ?? 0) > contiguous else {
        return SiteChain(seq: contiguous, hash: SiteChain.empty.hash)
      }
      return try chain(of: site, at: contiguous)
    }
  }

  /// Keeps each verified head as its site's chain position and newest head.
  func recordVerified(_ advanced: [SiteID: SignedHead]) throws {
    for (site, head) in advanced {
      try saveChain(head.siteChain, head: head, of: site)
    }
  }

  private struct StoredChain {
    let chain: SiteChain
    let head: SignedHead?
  }

  private func storedChain(of site: SiteID) throws -> StoredChain? {
    guard let key = try sites().existingKey(for: site) else { return nil }
    return try db.firstRow("SELECT seq, hash, head FROM chains WHERE site_key = ?1", [key]) {
      row in
      let hash = row.blob(1)
      guard hash.count == 32 else { throw StoredDataDamaged() }
      var head: SignedHead?
      if !row.isNull(2) {
        guard let decoded = try? SignedHead.decode(row.blob(2)), decoded.site == site else {
          throw StoredDataDamaged()
        }
        head = decoded
      }
      return StoredChain(chain: SiteChain(seq: row.int(0), hash: hash), head: head)
    }
  }

  private func saveChain(_ chain: SiteChain, head: SignedHead?, of site: SiteID) throws {
    try db.run(
      "INSERT OR REPLACE INTO chains (site_key, seq, hash, head) VALUES (?1, ?2, ?3, ?4)",
      try sites().key(for: site), chain.seq, chain.hash, head.map { $0.encoded() })
  }

  private func furthest(_ position: SiteChain, _ other: SiteChain?) -> SiteChain {
    guard let other, other.seq > position.seq else { return position }
    return other
  }
}
