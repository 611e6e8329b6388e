import FolioModel
import FolioSQLite

/// The sites a replica knows, each with a small integer key (used in log chunk ids and in
/// stored merge state), and what it holds of each: every seq up to `contiguous`, plus the
/// few that arrived ahead of a gap.
///
/// Loaded once and kept in memory; writes go to the database at once, so the table never
/// disagrees with a committed file. A rolled-back transaction drops the cache.
final class SiteTable {
  private let db: Connection
  private var keys: [SiteID: Int] = [:]
  private var sitesByKey: [Int: SiteID] = [:]
  private var contiguous: [SiteID: Int] = [:]
  private var ahead: [SiteID: Set<Int>] = [:]
  private var changedContiguous: Set<SiteID> = []

  init(db: Connection) throws {
    self.db = db
    for (key, text, seq) in try db.rows(
      "SELECT key, site, contiguous FROM sites", [],
      {
        ($0.int(0), $0.string(1), $0.int(2))
      })
    {
      guard let site = SiteID(rawValue: text) else { throw StoredDataDamaged() }
      keys[site] = key
      sitesByKey[key] = site
      contiguous[site] = seq
    }
    for (key, seq) in try db.rows("SELECT site_key, seq FROM ahead", [], { ($0.int(0), $0.int(1)) })
    {
      guard let site = sitesByKey[key] else { throw StoredDataDamaged() }
      ahead[site, default: []].insert(seq)
    }
  }

  /// The key of `site`, adding the site when it is new.
  func key(for site: SiteID) throws -> Int {
    if let key = keys[site] { return key }
    try db.run("INSERT INTO sites (site, contiguous) VALUES (?1, 0)", site.rawValue)
    let key = Int(db.lastInsertedRowID)
    keys[site] = key
    sitesByKey[key] = site
    return key
  }

  /// The key of `site`, when it is known.
  func existingKey(for site: SiteID) -> Int? { keys[site] }

  /// The site stored under `key`.
  func site(forKey key: Int) -> SiteID? { sitesByKey[key] }

  /// Every site the replica knows, in site order.
  var knownSites: [SiteID] { keys.keys.sorted() }

  /// True when the change `dot` is in the log.
  func hasArrived(_ dot: Dot) -> Bool {
    dot.seq <= (contiguous[dot.site] ?? 0) || ahead[dot.site]?.contains(dot.seq) == true
  }

  /// `dots` in an order where each site's seqs go up, for `markArrived` (a seq that comes
  /// before the one below it is stored as ahead of the contiguous one). They are nearly
  /// always in such an order already (a bundle's and a page's changes come a site's run at
  /// a time), which is checked with one lookup per run rather than sorting every piece.
  static func inArrivalOrder(_ dots: [Dot]) -> [Dot] {
    var lastSeq: [SiteID: Int] = [:]
    var previous: Dot?
    for dot in dots {
      if let previous, previous.site == dot.site {
        if dot.seq <= previous.seq { return dots.sorted() }
      } else {
        if let previous { lastSeq[previous.site] = previous.seq }
        if let seen = lastSeq[dot.site], dot.seq <= seen { return dots.sorted() }
      }
      previous = dot
    }
    return dots
  }

  /// Records that `dot` is now in the log.
  func markArrived(_ dot: Dot) throws {
    let current = contiguous[dot.site] ?? 0
    guard dot.seq == current + 1 else {
      ahead[dot.site, default: []].insert(dot.seq)
      try db.run(
        "INSERT INTO ahead (site_key, seq) VALUES (?1, ?2)", try key(for: dot.site), dot.seq)
      return
    }
    var next = dot.seq
    if var waiting = ahead[dot.site], !waiting.isEmpty {
      while waiting.remove(next + 1) != nil { next += 1 }
      if next > dot.seq {
        try db.run(
          "DELETE FROM ahead WHERE site_key = ?1 AND seq <= ?2", try key(for: dot.site), next)
      }
      ahead[dot.site] = waiting.isEmpty ? nil : waiting
    }
    contiguous[dot.site] = next
    changedContiguous.insert(dot.site)
  }

  /// Writes the advanced `contiguous` entries; call before the transaction commits.
  func save() throws {
    for site in changedContiguous.sorted() {
      try db.run(
        "UPDATE sites SET contiguous = ?1 WHERE key = ?2", contiguous[site] ?? 0,
        try key(for: site))
    }
    changedContiguous.removeAll()
  }

  /// What this replica has: the highest contiguous seq per site.
  var versionVector: VersionVector { VersionVector(contiguous) }

  /// The highest seq held of `site`, gaps or not.
  func latestSeq(of site: SiteID) -> Int {
    max(contiguous[site] ?? 0, ahead[site]?.max() ?? 0)
  }
}
