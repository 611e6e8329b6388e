extension HeadVerifier {
  /// `verify` for a message read one change at a time (a bundle, of any size): each site's
  /// chain is followed as its changes arrive, so only changes that come ahead of their turn
  /// are kept in memory, not the message. The result and the rules reported are `verify`'s,
  /// except that two different changes with one seq are left to the caller (integrating them
  /// refuses the second, `conflicting-change`).
  public struct Stream {
    private struct Progress {
      var highest = 0
      /// The site's chain as far as the message has brought it; nil until its first change
      /// above what the receiver holds.
      var position: SiteChain?
      /// Changes above the position + 1 that came early, by seq.
      var early: [Int: [UInt8]] = [:]
      /// Each author the new changes carry (as UTF-8 bytes: compared by code points), with
      /// the lowest seq that carries it.
      var authors: [[UInt8]: Int] = [:]
      /// The author of the site's last change, as UTF-8 bytes.
      var lastAuthor: [UInt8] = []
      /// The lowest seq `authors` holds for `lastAuthor` (`.max` until looked up): a later
      /// change by the same author leaves it as it is, without hashing the author again.
      var lastAuthorLowest = Int.max
      /// Up to which seq the receiver holds the site's changes, asked once.
      var held: Int?
    }

    private let heldSeq: (SiteID) -> Int
    private let heldChain: (SiteID) throws -> SiteChain
    /// Every site's progress but the current one's.
    private var sites: [SiteID: Progress] = [:]
    /// The site of the last change and its progress, kept out of `sites`: a message brings
    /// a site's changes in runs, and looking the site up for each change was a tenth of
    /// following the chains.
    private var current: (site: SiteID, progress: Progress)?

    /// A verification against what the receiver holds: `heldSeq` says up to which seq it
    /// holds a site's changes (they are not hashed), `heldChain` where that site's chain
    /// stands, each asked once per site (what the receiver holds must not change while the
    /// message is read).
    public init(
      heldSeq: @escaping (SiteID) -> Int, heldChain: @escaping (SiteID) throws -> SiteChain
    ) {
      self.heldSeq = heldSeq
      self.heldChain = heldChain
    }

    /// Takes the message's next change, with its canonical bytes.
    public mutating func add(dot: Dot, author: String, bytes: some Collection<UInt8>) throws {
      // The rest runs on the bytes in place, not generically: this is once per change of
      // every bundle and page, and the generic path showed in their profiles.
      let added: Void? = try bytes.withContiguousStorageIfAvailable {
        try add(dot: dot, author: author, contiguous: UnsafeRawBufferPointer($0))
      }
      if added == nil {
        try Array(bytes).withUnsafeBytes { try add(dot: dot, author: author, contiguous: $0) }
      }
    }

    private mutating func add(
      dot: Dot, author: String, contiguous bytes: UnsafeRawBufferPointer
    ) throws {
      var entry: (site: SiteID, progress: Progress)
      if let current, current.site == dot.site {
        entry = current
      } else {
        if let current { sites[current.site] = current.progress }
        entry = (dot.site, sites.removeValue(forKey: dot.site) ?? Progress())
      }
      // `entry` is then the only reference, changed in place: a copy of the site's progress
      // would copy its dictionaries at every change.
      current = nil
      defer { current = entry }
      try Self.add(
        dot: dot, author: author, bytes: bytes, to: &entry.progress, heldSeq: heldSeq,
        heldChain: heldChain)
    }

    /// Every site's progress, the current one's included.
    private var allSites: [SiteID: Progress] {
      guard let current else { return sites }
      var all = sites
      all[current.site] = current.progress
      return all
    }

    private static func add(
      dot: Dot, author: String, bytes: UnsafeRawBufferPointer, to progress: inout Progress,
      heldSeq: (SiteID) -> Int, heldChain: (SiteID) throws -> SiteChain
    ) throws {
      progress.highest = max(progress.highest, dot.seq)
      let held = progress.held ?? heldSeq(dot.site)
      progress.held = held
      guard dot.seq > held else { return }
      // A site's changes nearly always carry one author: its bytes are made once, not per
      // change, and its lowest seq is looked up only when it could go down.
      if !sameBytes(author, progress.lastAuthor) {
        progress.lastAuthor = Array(author.utf8)
        progress.lastAuthorLowest = .max
      }
      if dot.seq < progress.lastAuthorLowest {
        let lowest = min(progress.authors[progress.lastAuthor] ?? .max, dot.seq)
        progress.authors[progress.lastAuthor] = lowest
        progress.lastAuthorLowest = lowest
      }
      var position = try progress.position ?? heldChain(dot.site)
      if dot.seq == position.seq + 1 {
        position = position.appending(raw: bytes)
        while let next = progress.early.removeValue(forKey: position.seq + 1) {
          position = position.appending(next)
        }
      } else if dot.seq > position.seq + 1, progress.early[dot.seq] == nil {
        progress.early[dot.seq] = Array(bytes)
      }
      progress.position = position
    }

    /// H6 for the whole message, then per site (by site) a gap, H5 and H4.
    ///
    /// - Returns: For each site the message brings new changes of, its head.
    /// - Throws: `InvalidHead` naming the rule and the site (with `missing` for a gap).
    public func finish(heads: [SignedHead]) throws(InvalidHead) -> [SiteID: SignedHead] {
      let sites = allSites
      let headBySite = try HeadVerifier.coverage(of: sites.mapValues(\.highest), heads: heads)
      var advanced: [SiteID: SignedHead] = [:]
      for (site, progress) in sites.sorted(by: { $0.key < $1.key }) {
        guard let position = progress.position, let head = headBySite[site] else { continue }
        if let firstEarly = progress.early.keys.min() {
          throw InvalidHead(
            rule: .chain, site: site,
            reason: "changes \(position.seq + 1)…\(firstEarly - 1) of the site are missing, "
              + "so its chain cannot be followed",
            missing: (position.seq + 1)...(firstEarly - 1))
        }
        let headAuthor = Array(head.author.utf8)
        if let (author, seq) = progress.authors.filter({ $0.key != headAuthor })
          .min(by: { $0.value < $1.value })
        {
          throw InvalidHead(
            rule: .author, site: site,
            reason: "change \(seq) is by '\(String(decoding: author, as: UTF8.self))' but the"
              + " site writes as '\(head.author)'")
        }
        guard position == head.siteChain else {
          throw InvalidHead(
            rule: .chain, site: site,
            reason: "the site's changes 1…\(position.seq) do not hash to the head's chain")
        }
        advanced[site] = head
      }
      return advanced
    }
  }
}

/// True when `text`'s UTF-8 is `bytes`, compared in place.
private func sameBytes(_ text: String, _ bytes: [UInt8]) -> Bool {
  guard text.utf8.count == bytes.count else { return false }
  return text.utf8.withContiguousStorageIfAvailable { $0.elementsEqual(bytes) }
    ?? text.utf8.elementsEqual(bytes)
}
