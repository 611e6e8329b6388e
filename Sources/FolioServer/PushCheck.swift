import FolioModel

/// What the store holds for one site of a space before a push.
public struct SiteState: Hashable, Sendable {
  /// The user the site is bound to; nil for a site never pushed.
  public var owner: String?
  /// The highest sequence number stored for the site (every change 1…head is stored).
  public var head: Int

  /// A site's state.
  public init(owner: String?, head: Int) {
    self.owner = owner
    self.head = head
  }
}

/// What to store for an accepted push.
public struct PushPlan: Sendable {
  /// The new changes, in the order to give them server sequence numbers.
  public var accepted: [IncomingChange] = []
  /// How many changes were already stored (or repeated earlier in the batch), byte for byte.
  public var duplicates = 0
  /// The new head of every site that gained changes.
  public var heads: [SiteID: Int] = [:]
  /// Sites pushed for the first time, now bound to the pushing user.
  public var newOwners: [SiteID] = []
}

/// The push rules that depend on what is stored: site ownership, contiguous sequence
/// numbers, and resent versus conflicting changes. Pure, so every `ChangeStore` applies the
/// same rules inside its own transaction:
///
/// 1. load `SiteState` for every site in the batch;
/// 2. load the stored JSON of each change in `storedChangesToCompare`;
/// 3. call `plan`, which throws `SyncError` on the first refused change;
/// 4. store the plan.
public enum PushCheck {
  /// The changes of the batch the server may already hold (at or below their site's head),
  /// whose stored bytes `plan` compares.
  public static func storedChangesToCompare(
    _ batch: [IncomingChange], sites: [SiteID: SiteState]
  ) -> Set<Dot> {
    Set(batch.lazy.map(\.change.dot).filter { $0.seq <= sites[$0.site]?.head ?? 0 })
  }

  /// Decides what to store for `batch`, pushed by `user`, or throws the first refusal.
  ///
  /// - Parameters:
  ///   - batch: The pushed changes, in order; each already passed `Change.validate`.
  ///   - user: The pushing token's user.
  ///   - sites: The stored state of every site in the batch (missing means never pushed).
  ///   - stored: The stored JSON of the changes named by `storedChangesToCompare`.
  /// - Returns: The new changes to store, the duplicates, the new heads and site owners.
  /// - Throws: `SyncError` with code `site-owned`, `gap` or `conflicting-change`.
  public static func plan(
    _ batch: [IncomingChange], user: String, sites: [SiteID: SiteState],
    stored: [Dot: [UInt8]]
  ) throws(SyncError) -> PushPlan {
    var plan = PushPlan()
    var state = sites
    var pushed: [Dot: [UInt8]] = [:]
    for incoming in batch {
      let dot = incoming.change.dot
      var site = state[dot.site] ?? SiteState(owner: nil, head: 0)
      if let owner = site.owner {
        guard owner == user else { throw .siteOwned(dot) }
      } else {
        site.owner = user
        plan.newOwners.append(dot.site)
      }
      if dot.seq <= site.head {
        guard let existing = pushed[dot] ?? stored[dot] else {
          // The store did not load what `storedChangesToCompare` named: a store bug.
          throw .internalError
        }
        guard existing == incoming.json else { throw .conflictingChange(dot) }
        plan.duplicates += 1
      } else if dot.seq == site.head + 1 {
        site.head = dot.seq
        pushed[dot] = incoming.json
        plan.accepted.append(incoming)
        plan.heads[dot.site] = dot.seq
      } else {
        throw .gap(dot, expected: site.head + 1)
      }
      state[dot.site] = site
    }
    return plan
  }
}
