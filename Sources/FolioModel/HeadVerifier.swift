/// Checks a message's changes against its signed heads (`Protocol/signing.md` §4, H4–H6):
/// pure code, shared by the server (a push) and the replica (a pull page, a bundle). The
/// heads themselves were read and checked (H1–H3) by `SignedHead.decode`.
public enum HeadVerifier {
  /// One change of a message: what the verifier needs of it.
  public struct Item<Bytes: Collection<UInt8>> {
    /// The change's site and seq.
    public let dot: Dot
    /// The change's author.
    public let author: String
    /// The change's canonical bytes.
    public let bytes: Bytes

    /// An item of a message.
    public init(dot: Dot, author: String, bytes: Bytes) {
      self.dot = dot
      self.author = author
      self.bytes = bytes
    }
  }

  /// Verifies `items` against `heads`, given where each site's chain stands for the receiver.
  ///
  /// A change at or below the receiver's chain position is one it holds: it takes nothing
  /// new and is not hashed (the caller compares its bytes with the held ones). The changes
  /// above must continue the chain without a gap, carry the head's author and end exactly at
  /// the head.
  ///
  /// - Parameters:
  ///   - items: The message's changes, in any order.
  ///   - heads: The message's heads, sorted by site.
  ///   - chain: Where the receiver's chain of a site stands (`SiteChain.empty` for a site it
  ///     holds nothing of).
  /// - Returns: For each site the message brings new changes of, its head: the receiver's
  ///   new chain position and the newest head it holds for the site.
  /// - Throws: `InvalidHead` naming the rule broken and the site; whatever `chain` throws.
  public static func verify<Bytes: Collection<UInt8>, Failure: Error>(
    _ items: [Item<Bytes>], heads: [SignedHead],
    chain: (SiteID) throws(Failure) -> SiteChain
  ) throws -> [SiteID: SignedHead] {
    var bySite: [SiteID: [Item<Bytes>]] = [:]
    for item in items { bySite[item.dot.site, default: []].append(item) }
    let headBySite = try coverage(
      of: bySite.mapValues { $0.map(\.dot.seq).max() ?? 0 }, heads: heads)
    var advanced: [SiteID: SignedHead] = [:]
    for (site, siteItems) in bySite {
      // `coverage` made sure every site with a change has a head.
      guard let head = headBySite[site] else { continue }
      let held = try chain(site)
      let fresh = siteItems.filter { $0.dot.seq > held.seq }.sorted { $0.dot.seq < $1.dot.seq }
      guard !fresh.isEmpty else { continue }
      var position = held
      var previous: Item<Bytes>?
      for item in fresh {
        defer { previous = item }
        if let previous, item.dot.seq == previous.dot.seq {
          // The same seq twice in one message: only the very same bytes are one change.
          guard previous.bytes.elementsEqual(item.bytes) else {
            throw InvalidHead(
              rule: .chain, site: site,
              reason: "the message holds two different changes with seq \(item.dot.seq)")
          }
          continue
        }
        guard item.dot.seq == position.seq + 1 else {
          throw InvalidHead(
            rule: .chain, site: site,
            reason: "changes \(position.seq + 1)…\(item.dot.seq - 1) of the site are missing, "
              + "so its chain cannot be followed",
            missing: (position.seq + 1)...(item.dot.seq - 1))
        }
        // Code points, not Swift's canonical equivalence: "é" and "e" + U+0301 are two
        // authors (signing.md §4, H5).
        guard item.author.unicodeScalars.elementsEqual(head.author.unicodeScalars) else {
          throw InvalidHead(
            rule: .author, site: site,
            reason: "change \(item.dot.seq) is by '\(item.author)' but the site writes as "
              + "'\(head.author)'")
        }
        position = position.appending(item.bytes)
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

  /// H6 alone: one head per site with a change in `items`, at its highest seq, no other,
  /// sorted by site. The server checks it before the site bindings, and H4 and H5 (`verify`,
  /// which checks H6 again) after them (`Protocol/signing.md` §5).
  ///
  /// - Returns: Each site's head.
  /// - Throws: `InvalidHead` with rule H6.
  public static func checkCoverage<Bytes: Collection<UInt8>>(
    _ items: [Item<Bytes>], heads: [SignedHead]
  ) throws(InvalidHead) -> [SiteID: SignedHead] {
    var highest: [SiteID: Int] = [:]
    for item in items { highest[item.dot.site] = max(highest[item.dot.site] ?? 0, item.dot.seq) }
    return try coverage(of: highest, heads: heads)
  }

  /// H6: heads sorted by site, one per site with a change, at its highest seq, no other.
  /// `highest`: each site's highest seq in the message.
  static func coverage(
    of highestBySite: [SiteID: Int], heads: [SignedHead]
  ) throws(InvalidHead) -> [SiteID: SignedHead] {
    var headBySite: [SiteID: SignedHead] = [:]
    for (index, head) in heads.enumerated() {
      if index > 0, heads[index - 1].site >= head.site {
        throw InvalidHead(
          rule: .coverage, site: head.site,
          reason: "heads must be sorted by site, one per site")
      }
      guard let highest = highestBySite[head.site] else {
        throw InvalidHead(
          rule: .coverage, site: head.site, reason: "a head for a site with no change here")
      }
      guard head.seq == highest else {
        throw InvalidHead(
          rule: .coverage, site: head.site,
          reason: "the head is at seq \(head.seq), the site's last change here is \(highest)")
      }
      headBySite[head.site] = head
    }
    if let uncovered = highestBySite.keys.sorted().first(where: { headBySite[$0] == nil }) {
      throw InvalidHead(
        rule: .coverage, site: uncovered,
        reason: "changes of site \(uncovered) come with no signed head")
    }
    return headBySite
  }
}
