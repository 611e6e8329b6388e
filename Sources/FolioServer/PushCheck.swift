import FolioModel

/// What the store holds for one bound site of a space (`Protocol/signing.md` §5): the user it
/// writes as, its key, and where its hash chain stands.
public struct SiteBinding: Hashable, Sendable {
  /// The user the site is bound to: every change of the site has this author.
  public var user: String
  /// The site's public key (its id is derived from it).
  public var key: SitePublicKey
  /// The highest stored seq and the chain of the site's changes up to it (every change
  /// `1 … chain.seq` is stored).
  public var chain: SiteChain

  /// A site's binding.
  public init(user: String, key: SitePublicKey, chain: SiteChain) {
    self.user = user
    self.key = key
    self.chain = chain
  }
}

/// A stored change as a push compares it: its bytes, and its site's chain at its seq.
public struct StoredChange: Hashable, Sendable {
  /// The canonical JSON stored.
  public var json: [UInt8]
  /// `chain_seq` of its site: 32 bytes.
  public var chain: [UInt8]

  /// A stored change.
  public init(json: [UInt8], chain: [UInt8]) {
    self.json = json
    self.chain = chain
  }
}

/// A change a push adds, with its site's chain at its seq (stored beside it, so a later push
/// of duplicates can be checked against it).
public struct AcceptedChange: Sendable {
  /// The change and its canonical bytes.
  public let incoming: IncomingChange
  /// `chain_seq` of its site: 32 bytes.
  public let chain: [UInt8]
}

/// What to store for an accepted push.
public struct PushPlan: Sendable {
  /// The new changes, in the order to give them server sequence numbers.
  public var accepted: [AcceptedChange] = []
  /// How many changes were already stored (or repeated earlier in the batch), byte for byte.
  public var duplicates = 0
  /// The new binding of every site that gained changes (bound by this push or before).
  public var bindings: [SiteID: SiteBinding] = [:]
  /// The heads to store, one per site that gained changes, each at its site's new last seq.
  public var heads: [SignedHead] = []
}

/// The push rules that depend on what is stored: site bindings, contiguous sequence numbers,
/// resent versus conflicting changes, and the signed heads against the stored chains
/// (`Protocol/signing.md` §5). Pure, so every `ChangeStore` applies the same rules inside its
/// own transaction:
///
/// 1. load the `SiteBinding` of every site in the batch;
/// 2. load the `StoredChange` of each change in `storedChangesToCompare`;
/// 3. call `plan`, which throws `SyncError` on the first refusal;
/// 4. store the plan.
public enum PushCheck {
  /// The changes of the batch the server may already hold (at or below their site's stored
  /// seq), which `plan` compares with what is stored.
  public static func storedChangesToCompare(
    _ batch: [IncomingChange], sites: [SiteID: SiteBinding]
  ) -> Set<Dot> {
    Set(batch.lazy.map(\.change.dot).filter { $0.seq <= sites[$0.site]?.chain.seq ?? 0 })
  }

  /// Decides what to store for `batch`, pushed by `user` with `heads`, or throws the first
  /// refusal, in the order of `Protocol/signing.md` §5: H6 (the heads' own H1–H3 were checked
  /// when the body was read), then per change in batch order the binding, duplicates and
  /// gaps, then H4 and H5 per site.
  ///
  /// - Parameters:
  ///   - batch: The pushed changes, in order; each already passed `Change.validate`.
  ///   - heads: The push's heads, each already read and checked by `SignedHead.decode`.
  ///   - user: The pushing token's user.
  ///   - sites: The binding of every site in the batch the store has bound.
  ///   - stored: What is stored for the changes named by `storedChangesToCompare`.
  /// - Returns: The new changes to store with their chains, the duplicates, the sites'
  ///   new bindings and the heads to store.
  /// - Throws: `SyncError` with code `invalid-head`, `unregistered-site`, `site-owned`,
  ///   `conflicting-change` or `gap`.
  public static func plan(
    _ batch: [IncomingChange], heads: [SignedHead], user: String,
    sites: [SiteID: SiteBinding], stored: [Dot: StoredChange]
  ) throws(SyncError) -> PushPlan {
    let items = batch.map {
      HeadVerifier.Item(dot: $0.change.dot, author: $0.change.author, bytes: $0.json)
    }
    let headOf: [SiteID: SignedHead]
    do { headOf = try HeadVerifier.checkCoverage(items, heads: heads) } catch {
      throw .invalidHead(error)
    }
    var plan = PushPlan()
    var bindings = sites
    var chains: [SiteID: SiteChain] = [:]
    var pushed: [Dot: [UInt8]] = [:]
    for incoming in batch {
      let dot = incoming.change.dot
      // `checkCoverage` made sure every site with a change has a head.
      guard let head = headOf[dot.site] else { throw .internalError }
      let binding = try bound(dot, head: head, user: user, bindings: &bindings)
      var chain = chains[dot.site] ?? binding.chain
      if dot.seq <= chain.seq {
        guard let existing = pushed[dot] ?? stored[dot]?.json else {
          // The store did not load what `storedChangesToCompare` named: a store bug.
          throw .internalError
        }
        guard existing == incoming.json else { throw .conflictingChange(dot) }
        plan.duplicates += 1
      } else if dot.seq == chain.seq + 1 {
        chain = chain.appending(incoming.json)
        chains[dot.site] = chain
        pushed[dot] = incoming.json
        plan.accepted.append(AcceptedChange(incoming: incoming, chain: chain.hash))
      } else {
        throw .gap(dot, expected: chain.seq + 1)
      }
    }
    try verifyHeads(items, heads: heads, headOf: headOf, sites: sites, stored: stored)
    for (site, chain) in chains {
      guard let head = headOf[site], let binding = bindings[site] else { throw .internalError }
      plan.bindings[site] = SiteBinding(user: binding.user, key: binding.key, chain: chain)
      plan.heads.append(head)
    }
    plan.heads.sort { $0.site < $1.site }
    return plan
  }

  /// The binding rules for the site of `dot` (`Protocol/signing.md` §5): an unbound site is
  /// bound to the pushing user when its head's author is that user; a bound site's head
  /// must have its bound user as author.
  private static func bound(
    _ dot: Dot, head: SignedHead, user: String, bindings: inout [SiteID: SiteBinding]
  ) throws(SyncError) -> SiteBinding {
    if let binding = bindings[dot.site] {
      guard head.author.unicodeScalars.elementsEqual(binding.user.unicodeScalars) else {
        throw .siteOwned(dot, author: head.author, owner: binding.user)
      }
      return binding
    }
    guard head.author.unicodeScalars.elementsEqual(user.unicodeScalars) else {
      throw .unregisteredSite(dot, author: head.author, user: user)
    }
    let binding = SiteBinding(user: user, key: head.key, chain: .empty)
    bindings[dot.site] = binding
    return binding
  }

  /// H4 and H5: the new changes of each site continue its stored chain to its head and have
  /// the head's author (`HeadVerifier`); a site whose changes here are all stored already
  /// must have a head at the chain stored for that seq.
  private static func verifyHeads(
    _ items: [HeadVerifier.Item<[UInt8]>], heads: [SignedHead], headOf: [SiteID: SignedHead],
    sites: [SiteID: SiteBinding], stored: [Dot: StoredChange]
  ) throws(SyncError) {
    let advanced: [SiteID: SignedHead]
    do {
      advanced = try HeadVerifier.verify(items, heads: heads) { (site) throws(InvalidHead) in
        sites[site]?.chain ?? .empty
      }
    } catch let error as InvalidHead {
      throw .invalidHead(error)
    } catch {
      throw .internalError
    }
    for (site, head) in headOf where advanced[site] == nil {
      let held =
        head.seq == sites[site]?.chain.seq
        ? sites[site]?.chain.hash : stored[Dot(site: site, seq: head.seq)]?.chain
      guard let held else { throw .internalError }
      guard held == head.chain else {
        throw .invalidHead(
          InvalidHead(
            rule: .chain, site: site,
            reason: "the site's changes 1…\(head.seq) stored here do not hash to the head's chain"))
      }
    }
  }
}
