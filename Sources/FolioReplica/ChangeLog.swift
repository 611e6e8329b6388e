import FolioModel
import FolioSQLite

/// The op log: every change the replica knows, the source for sync, bundles and `folio log`.
///
/// Changes are stored in chunks of consecutive seqs of one site (`ChangeLogCodec`), one row
/// per chunk keyed by `site key << 40 | first seq`, so appending costs a fraction of a row
/// per change and a site's changes read back in order. Changes appended during a transaction
/// wait in memory and are written as chunks when it commits (`flush`).
final class ChangeLog {
  /// Largest seq a chunk id can hold.
  static let maximumSeq = (1 << 40) - 1
  private static let chunkChanges = 256

  fileprivate struct PendingChunk {
    var firstSeq: Int
    var changes: [Change] = []
    var values = ValueBytes()

    /// Adds the next change; returns how many the chunk holds.
    mutating func append(_ change: Change, value: ArraySlice<UInt8>?) -> Int {
      changes.append(change)
      values.append(value)
      return changes.count
    }
  }

  private let db: Connection
  private let loadSites: () throws -> SiteTable
  private var pending: [SiteID: PendingChunk] = [:]
  private var cachedChunk: (id: Int64, changes: [Change])?

  /// A chunk as stored.
  private struct StoredChunk {
    let id: Int64
    let format: Int
    let data: [UInt8]

    var firstSeq: Int { Int(id & Int64(ChangeLog.maximumSeq)) }

    init(_ row: Row) {
      (id, format, data) = (row.int64(0), row.int(1), row.blob(2))
    }
  }

  /// - Parameters:
  ///   - db: The replica's connection.
  ///   - sites: The current site table (reloaded after a failed transaction, so the log
  ///     encodes site keys only when it writes).
  init(db: Connection, sites: @escaping () throws -> SiteTable) {
    self.db = db
    self.loadSites = sites
  }

  private var sites: SiteTable {
    get throws { try loadSites() }
  }

  /// Adds a change new to the log. `value`, when given, is its value's canonical JSON as
  /// it arrived, stored as it is.
  func append(_ change: Change, value: ArraySlice<UInt8>? = nil) throws {
    guard change.seq <= ChangeLog.maximumSeq else {
      throw ReplicaError.rejectedChange("change \(change.dot): seq is too large")
    }
    if let chunk = pending[change.site], chunk.firstSeq + chunk.changes.count != change.seq {
      try write(change.site)
    }
    // Appended in place: a copy of the chunk per change would make filling it quadratic.
    let count = pending[change.site, default: PendingChunk(firstSeq: change.seq)]
      .append(change, value: value)
    if count >= ChangeLog.chunkChanges { try write(change.site) }
  }

  /// Writes every waiting chunk.
  func flush() throws {
    for site in pending.keys.sorted() { try write(site) }
  }

  private func write(_ site: SiteID) throws {
    guard let chunk = pending.removeValue(forKey: site), !chunk.changes.isEmpty else { return }
    let sites = try self.sites
    let data = try ChangeLogCodec.encode(
      chunk.changes, values: chunk.values, siteKey: sites.key(for:))
    let id = chunkID(try sites.key(for: site), chunk.firstSeq)
    try db.run(
      "INSERT INTO log (id, count, format, data) VALUES (?1, ?2, ?3, ?4)", id,
      chunk.changes.count, ChangeLogCodec.Format.interned.rawValue, data)
  }

  private func chunkID(_ siteKey: Int, _ seq: Int) -> Int64 { Int64(siteKey) << 40 | Int64(seq) }

  /// The stored change `dot`, or nil when the log does not hold it.
  func change(_ dot: Dot) throws -> Change? {
    if let chunk = pending[dot.site], dot.seq >= chunk.firstSeq,
      dot.seq < chunk.firstSeq + chunk.changes.count
    {
      return chunk.changes[dot.seq - chunk.firstSeq]
    }
    guard let changes = try chunk(containing: dot) else { return nil }
    return changes.first { $0.seq == dot.seq }
  }

  private func chunk(containing dot: Dot) throws -> [Change]? {
    guard let siteKey = try sites.existingKey(for: dot.site) else { return nil }
    let wanted = chunkID(siteKey, dot.seq)
    if let cached = cachedChunk, cached.id <= wanted,
      wanted < cached.id + Int64(cached.changes.count)
    {
      return cached.changes
    }
    let row = try db.firstRow(
      "SELECT id, format, data, count FROM log WHERE id <= ?1 AND id >= ?2 ORDER BY id DESC LIMIT 1",
      [wanted, chunkID(siteKey, 0)]
    ) { (StoredChunk($0), $0.int(3)) }
    guard let (chunk, count) = row, wanted < chunk.id + Int64(count) else { return nil }
    let changes = try decode(chunk, site: dot.site)
    cachedChunk = (chunk.id, changes)
    return changes
  }

  private func decode(
    _ chunk: StoredChunk, site: SiteID, wanted: (EntityKind, Substring) -> Bool = { _, _ in true }
  ) throws -> [Change] {
    let sites = try self.sites
    guard let format = ChangeLogCodec.Format(rawValue: chunk.format) else {
      throw StoredDataDamaged()
    }
    return try ChangeLogCodec.decode(
      chunk.data, format: format, site: site, firstSeq: chunk.firstSeq,
      siteForKey: sites.site(forKey:), wanted: wanted)
  }

  /// Calls `body` with the changes of `site` whose seq is above `seq`, in seq order, chunk
  /// by chunk; `body` returns false to stop. Only records `wanted` accepts are decoded.
  func forEachChunk(
    of site: SiteID, after seq: Int, wanted: (EntityKind, Substring) -> Bool = { _, _ in true },
    _ body: ([Change]) throws -> Bool
  ) throws {
    try flush()
    guard let siteKey = try sites.existingKey(for: site) else { return }
    // The chunk holding seq + 1 may start before it.
    let first =
      try db.scalarInt(
        "SELECT coalesce(max(id), ?2) FROM log WHERE id <= ?1 AND id >= ?2",
        [chunkID(siteKey, seq + 1), chunkID(siteKey, 0)]) ?? chunkID(siteKey, 0)
    let statement = try db.prepare(
      "SELECT id, format, data FROM log WHERE id >= ?1 AND id < ?2 ORDER BY id")
    defer { statement.reset() }
    try statement.bind([first, chunkID(siteKey + 1, 0)])
    var chunks: [StoredChunk] = []
    // Read ahead a few chunks at a time: `body` may write (a caller inside a transaction).
    func drain() throws -> Bool {
      for chunk in chunks {
        let changes = try decode(chunk, site: site, wanted: wanted).filter { $0.seq > seq }
        if !changes.isEmpty, try !body(changes) { return false }
      }
      chunks.removeAll(keepingCapacity: true)
      return true
    }
    while try statement.step() {
      chunks.append(StoredChunk(statement.currentRow))
      if chunks.count == 8 {
        let lastID = chunks[chunks.count - 1].id
        guard try drain() else { return }
        try statement.bind([lastID + 1, chunkID(siteKey + 1, 0)])
      }
    }
    _ = try drain()
  }

  /// The changes of `entity` made by `site` with a seq in `range`.
  func changes(of entity: EntityRef, site: SiteID, seqs range: ClosedRange<Int>) throws -> [Change]
  {
    var result: [Change] = []
    try forEachChunk(
      of: site, after: range.lowerBound - 1,
      wanted: { $0 == entity.kind && $1 == entity.id[...] }
    ) { changes in
      for change in changes where range.contains(change.seq) && change.entity == entity {
        result.append(change)
      }
      return (changes.last?.seq ?? 0) < range.upperBound
    }
    return result
  }

  /// The newest `limit` changes of `site`, newest first.
  func newestChanges(of site: SiteID, limit: Int) throws -> [Change] {
    try flush()
    guard let siteKey = try sites.existingKey(for: site), limit > 0 else { return [] }
    let statement = try db.prepare(
      "SELECT id, format, data, count FROM log WHERE id >= ?1 AND id < ?2 ORDER BY id DESC")
    defer { statement.reset() }
    try statement.bind([chunkID(siteKey, 0), chunkID(siteKey + 1, 0)])
    var chunks: [StoredChunk] = []
    var count = 0
    while count < limit, try statement.step() {
      chunks.append(StoredChunk(statement.currentRow))
      count += statement.currentRow.int(3)
    }
    var result: [Change] = []
    for chunk in chunks { result += try decode(chunk, site: site).reversed() }
    return Array(result.prefix(limit))
  }

  /// Number of changes in the log.
  func count() throws -> Int {
    try flush()
    return Int(try db.scalarInt("SELECT coalesce(sum(count), 0) FROM log") ?? 0)
  }
}
