import FolioArticles
import FolioModel
import FolioSQLite

#if canImport(Glibc)
  import Glibc
#endif

/// One person's copy of the team library: an SQLite file holding the op log and the state
/// materialized from it.
///
/// Every user action is one transaction that appends its changes to the log and updates
/// the materialized tables. A `Replica` belongs to the task that opened it.
public final class Replica {
  let db: Connection
  /// The replica file.
  public let path: String
  /// This replica's site id: derived from `key` (`Protocol/signing.md` §1), except in a
  /// replica made before signed changes, which cannot sign until `folio rekey`.
  public let site: SiteID
  /// The key pair this replica signs its heads with.
  let key: SiteKey
  /// The name written into this replica's changes.
  public let author: String
  var clock: HybridClock
  let wallClock: @Sendable () -> UInt64
  private var loadedSites: SiteTable?
  private var loadedLog: ChangeLog?
  /// Set when an action inside a batch failed: the batch must not commit.
  private var batchFailed = false
  /// Chain positions computed in this session that lie before the stored one (see
  /// `chain(of:at:)`), so that signing batch after batch does not hash from the start each
  /// time. Dropped with a failed transaction, whose changes they may cover.
  var recentChains: [SiteID: SiteChain] = [:]
  /// The insights text `article(id:)` read last and what it parsed to: highlighting an
  /// article ten times read and parsed the same JSON ten times (a fifth of a highlight).
  var lastInsights: (text: String, insights: [Insight])?
  /// The article `article(id:)` last read in the current transaction (nil outside one, or
  /// once the article's row is written).
  var articleReadInTransaction: Article?
  /// The texts of the article `highlight` last found a quote in, kept for the next quote
  /// while the article reads the same (`QuoteTexts.areAll(of:)`).
  var lastQuoteTexts: QuoteTexts?
  /// Where new annotation ids come from.
  var idRandomness = RandomWordPool()
  /// Set when the clock moved on in the current transaction and is not written yet.
  var clockUnsaved = false
  /// Which tables were empty when tracking began and the records written since, to skip
  /// looking up records that have no row yet (`NewRecords`).
  var newRecords = NewRecords()
  /// The connection's `PRAGMA data_version` when this object last made sure that what it
  /// keeps in memory is current (`forgetIfChangedElsewhere`); nil to check again.
  private var seenDataVersion: Int64?

  /// Unix milliseconds from the system clock.
  public static let systemClock: @Sendable () -> UInt64 = {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return UInt64(spec.tv_sec) * 1000 + UInt64(spec.tv_nsec) / 1_000_000
  }

  private init(
    db: Connection, path: String, site: SiteID, key: SiteKey, author: String,
    clock: HybridClock, wallClock: @escaping @Sendable () -> UInt64
  ) {
    self.db = db
    self.path = path
    self.site = site
    self.key = key
    self.author = author
    self.clock = clock
    self.wallClock = wallClock
  }

  /// Creates a new replica file (mode 0600) with a new key pair, its site id derived from
  /// the key.
  ///
  /// - Parameters:
  ///   - path: Where the file goes; its folder must exist.
  ///   - author: The name written into this replica's changes.
  ///   - wallClock: Unix milliseconds now; tests pass their own.
  /// - Returns: The open replica.
  /// - Throws: `ReplicaError` saying what went wrong; nothing is changed then.
  public static func create(
    at path: String, author: String,
    wallClock: @escaping @Sendable () -> UInt64 = Replica.systemClock
  ) throws(ReplicaError) -> Replica {
    guard !author.isEmpty, author.utf8.count <= ChangeLimits.standard.maximumAuthorLength else {
      throw .invalidOperation("the author name must be 1 to 200 bytes")
    }
    let descriptor = Glibc.open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
    guard descriptor >= 0 else {
      if errno == EEXIST { throw .alreadyInitialized(path: path) }
      throw .incompatible(path: path, reason: String(cString: strerror(errno)))
    }
    close(descriptor)
    do {
      let db = try Connection(path: path)
      try configure(db)
      let key = SiteKey()
      let site = key.site
      try db.transaction {
        try ReplicaSchema.create(db)
        try db.run("INSERT INTO meta (key, value) VALUES ('format', 'folio-replica')")
        try db.run("INSERT INTO meta (key, value) VALUES ('site', ?1)", site.rawValue)
        try db.run(
          "INSERT INTO meta (key, value) VALUES ('key', ?1)", Hex.encode(key.rawRepresentation))
        try db.run("INSERT INTO meta (key, value) VALUES ('author', ?1)", author)
        try db.run("INSERT INTO meta (key, value) VALUES ('clock', '0')")
      }
      return Replica(
        db: db, path: path, site: site, key: key, author: author, clock: HybridClock(),
        wallClock: wallClock)
    } catch {
      unlink(path)
      throw Replica.wrap(error)
    }
  }

  /// Opens an existing replica, upgrading its schema if an older Folio made it.
  ///
  /// - Parameters:
  ///   - path: The replica file.
  ///   - wallClock: Unix milliseconds now; tests pass their own.
  /// - Returns: The open replica.
  /// - Throws: `ReplicaError` saying what went wrong; nothing is changed then.
  public static func open(
    at path: String, wallClock: @escaping @Sendable () -> UInt64 = Replica.systemClock
  ) throws(ReplicaError) -> Replica {
    guard access(path, F_OK) == 0 else { throw .notInitialized(path: path) }
    do {
      let db = try Connection(path: path)
      try configure(db)
      let version = Int(try db.scalarInt("PRAGMA user_version") ?? 0)
      guard version >= 1 else {
        throw ReplicaError.incompatible(path: path, reason: "not a Folio replica")
      }
      guard version <= ReplicaSchema.latestVersion else {
        throw ReplicaError.incompatible(path: path, reason: "made by a newer Folio")
      }
      let meta = try Dictionary(
        uniqueKeysWithValues: db.rows("SELECT key, value FROM meta") {
          ($0.string(0), $0.string(1))
        })
      guard meta["format"] == "folio-replica", let site = meta["site"].flatMap(SiteID.init),
        let author = meta["author"], let clockText = meta["clock"],
        let clockValue = UInt64(clockText)
      else { throw ReplicaError.incompatible(path: path, reason: "its metadata is damaged") }
      // A file made before signed changes gets its key pair when it is upgraded.
      let key: SiteKey
      if let keyText = meta["key"] {
        guard let bytes = Hex.decode(keyText), let stored = try? SiteKey(rawRepresentation: bytes)
        else { throw ReplicaError.incompatible(path: path, reason: "its signing key is damaged") }
        key = stored
      } else if version < 4 {
        key = SiteKey()
      } else {
        throw ReplicaError.incompatible(path: path, reason: "its signing key is missing")
      }
      let replica = Replica(
        db: db, path: path, site: site, key: key, author: author,
        clock: HybridClock(latest: HybridTimestamp(rawValue: clockValue)), wallClock: wallClock)
      if version < ReplicaSchema.latestVersion { try replica.upgrade(from: version) }
      return replica
    } catch {
      throw Replica.wrap(error, path: path)
    }
  }

  /// In WAL mode, NORMAL keeps the file consistent through any crash and costs one sync per
  /// checkpoint rather than one per transaction; a power cut may undo the last action.
  private static func configure(_ db: Connection) throws {
    try db.execute("PRAGMA synchronous = NORMAL")
    // A large import or merge touches many pages in one transaction; a 32 MiB page cache
    // keeps them in memory instead of re-reading them from the WAL.
    try db.execute("PRAGMA cache_size = -32768")
    try db.execute("PRAGMA temp_store = MEMORY")
    // A checkpoint syncs the file twice and copies back every page the log holds. At
    // SQLite's default of 1,000 pages (4 MiB), importing in batches checkpointed after
    // nearly every transaction, copying an index page that each batch touched once per
    // batch; at 16,384 pages (64 MiB) such a page is copied once per 64 MiB of log, and
    // authoring the bench's workload took 15-20% less time. A checkpoint still runs when the
    // last connection closes; the log file left behind by a larger transaction is cut back
    // to 64 MiB when it is next reset.
    try db.execute("PRAGMA wal_autocheckpoint = 16384")
    try db.execute("PRAGMA journal_size_limit = 67108864")
  }

  static func wrap(_ error: any Error, path: String = "the file") -> ReplicaError {
    switch error {
    case let error as ReplicaError: return error
    case let error as SQLiteError:
      if error.primaryCode == 26 {  // SQLITE_NOTADB
        return .incompatible(
          path: path, reason: "not a Folio replica (not an SQLite database)")
      }
      return .database(error)
    case let error as InvalidChange: return .rejectedChange(error.description)
    case let error as InvalidHead: return .unverifiedChanges(error)
    default: return .invalidOperation("\(error)")
    }
  }

  /// Runs `body` in one transaction, mapping every failure to a `ReplicaError`.
  ///
  /// Changes appended to the log wait in memory and are written as chunks just before the
  /// transaction commits, with the clock and the site table (`saveWaitingState`). Called
  /// inside another transaction (a `batch`), `body` joins it without a savepoint (a
  /// savepoint per action would make the search index flush its pending data each time); if
  /// it fails, the whole batch is rolled back even when the caller catches the error, so
  /// nothing is ever half written.
  func transaction<T>(_ body: () throws -> T) throws(ReplicaError) -> T {
    if db.isInTransaction {
      do { return try body() } catch {
        batchFailed = true
        throw Replica.wrap(error)
      }
    }
    let savedClock = clock
    batchFailed = false
    defer { articleReadInTransaction = nil }
    do {
      return try db.transaction {
        try forgetIfChangedElsewhere()
        let result = try body()
        if batchFailed {
          throw ReplicaError.invalidOperation(
            "an action in this batch failed, so none of the batch was written")
        }
        try saveWaitingState()
        return result
      }
    } catch {
      // The database kept nothing: the clock, the site table and the waiting log go too.
      clock = savedClock
      clockUnsaved = false
      loadedSites = nil
      loadedLog = nil
      recentChains = [:]
      seenDataVersion = nil
      throw Replica.wrap(error)
    }
  }

  /// Drops what this object keeps in memory when another connection (another `folio`
  /// process, say `folio sync` beside a `folio watch`) committed since it last looked: the
  /// site table (seqs and site keys), the log, the chains, what it knew of new records; and
  /// takes its clock up to the stored one. Called at the start of each transaction and
  /// snapshot read, and by a lone read of the site table. Without it, a long-lived replica
  /// object took changes it already held for new, or failed on a site key another process
  /// had added.
  private func forgetIfChangedElsewhere() throws {
    // One query when nothing changed (the pragma also starts a snapshot read's snapshot).
    let version = try db.scalarInt("PRAGMA data_version")
    guard version != seenDataVersion else { return }
    loadedSites = nil
    loadedLog = nil
    recentChains = [:]
    newRecords = NewRecords()
    let storedClock = try db.firstRow(
      "SELECT value FROM meta WHERE key = 'clock'", [], { UInt64($0.string(0)) })
    if let stored = storedClock ?? nil, stored > clock.latest.rawValue {
      clock = HybridClock(
        latest: HybridTimestamp(rawValue: stored),
        toleranceMilliseconds: clock.toleranceMilliseconds)
    }
    seenDataVersion = version
  }

  /// Writes what a transaction's actions kept in memory, just before it commits: the clock,
  /// the site table's advanced seqs and the log's waiting chunks (each written once per
  /// transaction, however many actions a batch holds).
  private func saveWaitingState() throws {
    if clockUnsaved {
      try db.run("UPDATE meta SET value = ?1 WHERE key = 'clock'", String(clock.latest.rawValue))
      clockUnsaved = false
    }
    try loadedSites?.save()
    try loadedLog?.flush()
  }

  /// The sites this replica knows and what it holds of each.
  func sites() throws -> SiteTable {
    // Outside a transaction or snapshot read (a lone read such as `versionVector`), another
    // process may have committed since the last look.
    if !db.isInAnyTransaction { try forgetIfChangedElsewhere() }
    if let loadedSites { return loadedSites }
    let table = try SiteTable(db: db)
    loadedSites = table
    return table
  }

  /// The op log.
  func changeLog() throws -> ChangeLog {
    if let loadedLog { return loadedLog }
    let log = ChangeLog(db: db) { [unowned self] in try self.sites() }
    loadedLog = log
    return log
  }

  /// Runs several replica operations as one transaction: all of them or none.
  public func batch<T>(_ body: () throws -> T) throws(ReplicaError) -> T {
    try transaction(body)
  }

  /// Runs several reads on one snapshot of the file, in one read transaction: a listing
  /// makes hundreds of small queries, and each would otherwise lock and unlock the file.
  /// `body` must only read: a change made inside it fails and is not written.
  public func reading<T>(_ body: () throws -> T) throws(ReplicaError) -> T {
    // Inside a transaction, nothing was committed elsewhere since it began (and what it
    // keeps in memory is not written yet).
    let nested = db.isInTransaction
    do {
      return try db.reading {
        if !nested { try forgetIfChangedElsewhere() }
        return try body()
      }
    } catch { throw Replica.wrap(error) }
  }
}
