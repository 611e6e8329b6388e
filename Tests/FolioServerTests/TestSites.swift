import FolioModel
import Synchronization

/// Sites that sign like replicas (`Protocol/signing.md`): each has an Ed25519 key, from which
/// its id is derived, and remembers the changes made under it (`makeChanges` records them,
/// like a replica's op log), so a push can carry the heads a replica would sign. A site made
/// with `TestSites.make()` has no key: its changes go out with no head.
enum TestSites {
  private struct Log {
    let key: SiteKey
    var changes: [Int: Change] = [:]
  }

  private static let logs = Mutex<[SiteID: Log]>([:])

  /// A new site with a key of its own.
  static func make() -> SiteID {
    let key = SiteKey()
    logs.withLock { $0[key.site] = Log(key: key) }
    return key.site
  }

  /// The key of a site made by `make`.
  static func key(of site: SiteID) -> SiteKey? {
    logs.withLock { $0[site]?.key }
  }

  /// Remembers `changes` as made by their sites (at a seq, the latest made wins); changes of
  /// sites without a key are ignored.
  static func record(_ changes: [Change]) {
    logs.withLock { logs in
      for change in changes { logs[change.site]?.changes[change.seq] = change }
    }
  }

  /// The chain of the changes recorded for `site`, 1 … `seq`; nil when one is missing.
  static func chain(of site: SiteID, upTo seq: Int) -> SiteChain? {
    logs.withLock { logs -> SiteChain? in
      guard let log = logs[site] else { return nil }
      var chain = SiteChain.empty
      for number in stride(from: 1, through: seq, by: 1) {
        guard let change = log.changes[number] else { return nil }
        chain = chain.appending(ChangeJSON.encode(change))
      }
      return chain
    }
  }

  /// `site`'s head at `seq`, signed over the changes recorded for 1 … `seq`, as `author`
  /// (by default the author of its change at `seq`); nil when the site has no key or a
  /// change is missing.
  static func head(of site: SiteID, at seq: Int, author: String? = nil) -> SignedHead? {
    guard let key = key(of: site), let chain = chain(of: site, upTo: seq),
      let author = author ?? logs.withLock({ $0[site]?.changes[seq]?.author })
    else { return nil }
    return SignedHead(signing: chain, author: author, with: key)
  }

  /// What a replica pushing (or relaying) `changes` signs: a head per site with a key, at
  /// its highest seq among `changes`, sorted by site.
  static func heads(for changes: [Change]) -> [SignedHead] {
    var highest: [SiteID: Int] = [:]
    for change in changes { highest[change.site] = max(highest[change.site] ?? 0, change.seq) }
    return highest.compactMap { head(of: $0.key, at: $0.value) }.sorted { $0.site < $1.site }
  }
}

extension PushRequest {
  /// A push of `changes` with the heads their sites sign (`TestSites`).
  static func signed(_ changes: [Change]) -> PushRequest {
    PushRequest(changes: changes, heads: TestSites.heads(for: changes))
  }
}
