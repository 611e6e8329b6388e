import FolioModel
import FolioSQLite

/// Builds this replica's next changes: consecutive seqs and ever-increasing clock readings.
struct LocalChanges {
  let site: SiteID
  let author: String
  var nextSeq: Int
  var clock: HybridClock
  let now: UInt64
  private(set) var changes: [Change] = []

  init(site: SiteID, author: String, nextSeq: Int, clock: HybridClock, now: UInt64) {
    self.site = site
    self.author = author
    self.nextSeq = nextSeq
    self.clock = clock
    self.now = now
  }

  @discardableResult
  mutating func append(
    _ entity: EntityRef, _ field: String, _ op: ChangeOp, value: JSONValue? = nil,
    pred: [Dot] = [], context: VersionVector? = nil
  ) -> Change {
    let change = Change(
      site: site, seq: nextSeq, hlc: clock.tick(now: now), author: author, entity: entity,
      field: field, op: op, value: value, pred: pred, context: context)
    nextSeq += 1
    changes.append(change)
    return change
  }
}

extension Replica {
  /// Runs a user action in one transaction: `body` reads state and appends changes, which
  /// are then written to the log and materialized.
  func commitLocal<T>(_ body: (inout LocalChanges) throws -> T) throws(ReplicaError) -> T {
    try transaction {
      var local = LocalChanges(
        site: site, author: author, nextSeq: try versionVector()[site] + 1, clock: clock,
        now: wallClock())
      let result = try body(&local)
      if !local.changes.isEmpty {
        for change in local.changes { try change.validate() }
        _ = try integrate(local.changes, checkingClocks: false)
        try saveClock(local.clock)
      }
      return result
    }
  }

  func saveClock(_ newClock: HybridClock) throws {
    try db.run("UPDATE meta SET value = ?1 WHERE key = 'clock'", String(newClock.latest.rawValue))
    clock = newClock
  }

  /// Appends changes to the log and rebuilds the materialized rows of the records they
  /// touch. A record none of whose changes were in the log before is built from the
  /// changes at hand, without reading the log back.
  func integrate(_ changes: [Change], checkingClocks: Bool) throws -> AppendResult {
    var fresh = Set<EntityRef>()
    let probe = try db.prepare(
      "SELECT 1 FROM changes WHERE entity_id = ?1 AND entity_kind = ?2 LIMIT 1")
    for entity in Set(changes.map(\.entity)) {
      if try probe.firstRow([entity.id, entity.kind.rawValue], { _ in true }) == nil {
        fresh.insert(entity)
      }
    }
    let result = try appendToLog(changes, checkingClocks: checkingClocks)
    var freshChanges: [EntityRef: [Change]] = [:]
    for change in changes where fresh.contains(change.entity) {
      freshChanges[change.entity, default: []].append(change)
    }
    for entity in result.entities.sorted() {
      if let known = freshChanges[entity] {
        try materialize(EntityState(entity: entity, changes: known), replacing: false)
      } else {
        try materialize(try state(of: entity), replacing: true)
      }
    }
    return result
  }

  /// What appending changes to the log did.
  struct AppendResult {
    var entities = Set<EntityRef>()
    var added = 0
    var duplicates = 0
  }

  /// Appends changes to the op log and advances the version vector. A change already
  /// present is skipped; one with the same dot but other content is refused.
  func appendToLog(_ changes: [Change], checkingClocks: Bool) throws -> AppendResult {
    var result = AppendResult()
    var sites = Set<SiteID>()
    let insert = try db.prepare(
      """
      INSERT OR IGNORE INTO changes (site, seq, hlc, entity_kind, entity_id, json)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6)
      """)
    var newClock = clock
    let now = wallClock()
    for change in changes {
      if checkingClocks {
        try change.validate()
        try newClock.observe(change.hlc, now: now)
      }
      let json = ChangeJSON.encode(change)
      try insert.run([
        change.site.rawValue, change.seq, Int64(bitPattern: change.hlc.rawValue),
        change.entity.kind.rawValue, change.entity.id, json,
      ])
      if db.changes == 0 {
        let stored = try db.firstRow(
          "SELECT json FROM changes WHERE site = ?1 AND seq = ?2",
          [change.site.rawValue, change.seq]
        ) { $0.blob(0) }
        if stored != json {
          throw ReplicaError.rejectedChange(
            "change \(change.dot) differs from the change with the same id already here;"
              + " the source is corrupt or not from this team")
        }
        result.duplicates += 1
      } else {
        result.added += 1
        result.entities.insert(change.entity)
        sites.insert(change.site)
      }
    }
    if checkingClocks, newClock != clock { try saveClock(newClock) }
    for site in sites { try advanceVector(site) }
    return result
  }

  /// Moves the site's vector entry up to the end of its contiguous run of changes.
  private func advanceVector(_ site: SiteID) throws {
    var current = Int(
      try db.scalarInt("SELECT seq FROM vector WHERE site = ?1", [site.rawValue]) ?? 0)
    let start = current
    let following = try db.rows(
      "SELECT seq FROM changes WHERE site = ?1 AND seq > ?2 ORDER BY seq",
      [site.rawValue, current]
    ) { $0.int(0) }
    for seq in following {
      guard seq == current + 1 else { break }
      current = seq
    }
    if current != start {
      try db.run(
        "INSERT INTO vector (site, seq) VALUES (?1, ?2) ON CONFLICT (site) DO UPDATE SET seq = ?2",
        site.rawValue, current)
    }
  }

  /// What this replica has: the highest contiguous seq per site.
  public func versionVector() throws -> VersionVector {
    let entries = try db.rows("SELECT site, seq FROM vector") { row in
      (SiteID(rawValue: row.string(0)), row.int(1))
    }
    var vector = VersionVector()
    for case (let site?, let seq) in entries { vector[site] = seq }
    return vector
  }

  /// Every change of one record, decoded from the log.
  func changes(of entity: EntityRef) throws -> [Change] {
    try db.rows(
      "SELECT json FROM changes WHERE entity_id = ?1 AND entity_kind = ?2",
      [entity.id, entity.kind.rawValue]
    ) { try ChangeJSON.decode($0.blob(0)) }
  }

  /// The merged state of one record.
  func state(of entity: EntityRef) throws -> EntityState {
    EntityState(entity: entity, changes: try changes(of: entity))
  }

  /// Number of changes in the log.
  public func changeCount() throws(ReplicaError) -> Int {
    do { return Int(try db.scalarInt("SELECT count(*) FROM changes") ?? 0) } catch {
      throw Replica.wrap(error)
    }
  }
}
