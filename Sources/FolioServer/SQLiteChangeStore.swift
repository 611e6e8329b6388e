import FolioModel
import FolioSQLite
// Foundation, not FoundationEssentials: NSLock lives there.
import Foundation
import Logging
import NIOPosix

/// The default `ChangeStore`: one SQLite file in WAL mode.
///
/// SQLite blocks, so no call runs on Swift's cooperative pool: writes run one at a time on a
/// dedicated writer thread (each commit's fsync waits there), reads on a pool of reader
/// threads, each with its own read-only connection. In WAL mode a reader works on the last
/// committed snapshot and never waits for the writer, so pulls go on during a slow push.
///
/// `Connection` is not `Sendable`: the writer connection is only used under its lock (and
/// only from the writer thread), and a reader connection is used by one thread at a time,
/// taken from and returned to `ReaderConnections`. Both satisfy SQLite's `NOMUTEX` mode.
public final class SQLiteChangeStore: ChangeStore {
  private let writer: Guarded<Connection>
  private let readers: ReaderConnections

  /// The database file.
  public let path: String

  public let feed = ChangeFeed()

  /// The schema version this code writes (`PRAGMA user_version`): 2 since changes are
  /// signed (protocol 2).
  static let schemaVersion: Int64 = 2

  /// Opens (creating if needed) the store at `path` and brings its schema up to date. The
  /// file is readable and writable by its owner only (0600), and so are the WAL and shared
  /// memory files SQLite makes next to it (it gives them the database file's mode).
  ///
  /// - Parameters:
  ///   - path: A file path, or `:memory:` for a store that lives as long as this object (its
  ///     reads then use the writer connection: a second connection to `:memory:` would open
  ///     another, empty database).
  ///   - logger: Where the store says what an upgrade of the schema did.
  /// - Throws: `SQLiteError` when the file cannot be opened or migrated, `StoreError` when a
  ///   newer server wrote it.
  public init(path: String, logger: Logger = Logger(label: "folio-server.sqlite")) throws {
    if path != ":memory:" { Self.restrictToOwner(path) }
    let connection = try Connection(path: path)
    try Self.migrate(connection, logger: logger)
    self.writer = Guarded(connection)
    self.readers = ReaderConnections(path: path, writer: path == ":memory:" ? writer : nil)
    self.path = path
  }

  /// Creates `path` with mode 0600 when missing, or takes group and other access away from
  /// the database and its WAL files when an older server made them with default modes.
  private static func restrictToOwner(_ path: String) {
    let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
    if descriptor >= 0 { close(descriptor) }
    for file in [path, path + "-wal", path + "-shm"] { chmod(file, 0o600) }
  }

  /// Runs `body` with the writer connection on the writer thread.
  private func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T)
    async throws -> T
  {
    try await SQLiteThreads.writer.runIfActive { try self.writer.withLock(body) }
  }

  /// Runs `body` on a reader thread with a reader connection, inside one read transaction
  /// (one snapshot), so the values it reads agree with each other.
  private func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T)
    async throws -> T
  {
    try await SQLiteThreads.readers.runIfActive { try self.readers.withConnection(body) }
  }

  /// Brings the schema to `schemaVersion`. A file of schema 1 (protocol 1, unsigned
  /// changes) keeps its spaces, tokens and server sequence numbers; its changes and site
  /// owners are moved aside (see `setAsideUnsignedChanges`).
  private static func migrate(_ connection: Connection, logger: Logger) throws {
    let version = try connection.scalarInt("PRAGMA user_version") ?? 0
    guard version <= schemaVersion else {
      throw StoreError(
        .newerSchema,
        "\(connection.path) was written by a newer folio-server (schema \(version))")
    }
    guard version < schemaVersion else { return }
    let setAside = try connection.transaction {
      var setAside: UnsignedChangesSetAside?
      if version == 0 {
        try connection.execute(spacesAndTokens)
      } else {
        setAside = try setAsideUnsignedChanges(connection)
      }
      try connection.execute(signedChanges)
      try connection.execute("PRAGMA user_version = \(schemaVersion)")
      return setAside
    }
    setAside?.log(store: connection.path, schema: Int(schemaVersion), to: logger)
  }

  /// Schema 1 → 2: the unsigned changes of protocol 1 cannot be served to protocol 2
  /// replicas (no replica could verify them), nor thrown away (they are the operator's data):
  /// they move to tables `v1_unsigned_changes`, `v1_site_owners` and `v1_site_heads`, which
  /// nothing reads. The spaces keep their latest server sequence number, so a client's old
  /// cursor never skips a change pushed after the upgrade.
  private static func setAsideUnsignedChanges(_ connection: Connection) throws
    -> UnsignedChangesSetAside
  {
    let perSpace = try connection.rows(
      "SELECT space, count(*) FROM changes GROUP BY space ORDER BY space"
    ) { row in (space: row.string(0), count: row.int(1)) }
    try connection.execute(
      """
      ALTER TABLE changes RENAME TO v1_unsigned_changes;
      ALTER TABLE site_owners RENAME TO v1_site_owners;
      ALTER TABLE site_heads RENAME TO v1_site_heads;
      """)
    return UnsignedChangesSetAside(perSpace: perSpace)
  }

  /// The spaces and their tokens (schema 1 and 2 alike).
  private static let spacesAndTokens = """
    CREATE TABLE spaces (
      name TEXT PRIMARY KEY,
      created INTEGER NOT NULL,
      head INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE tokens (
      hash TEXT PRIMARY KEY,
      space TEXT NOT NULL REFERENCES spaces(name),
      user TEXT NOT NULL,
      read_only INTEGER NOT NULL,
      created INTEGER NOT NULL,
      revoked INTEGER
    );
    CREATE INDEX tokens_by_space ON tokens(space, created);
    """

  /// Schema 2's signed changes: the site bindings (site → user, key, chain position), the
  /// changes with their site's chain at each, and the heads pushed with them.
  private static let signedChanges = """
    CREATE TABLE sites (
      space TEXT NOT NULL REFERENCES spaces(name),
      site TEXT NOT NULL,
      user TEXT NOT NULL,
      key TEXT NOT NULL,
      seq INTEGER NOT NULL,
      chain BLOB NOT NULL,
      PRIMARY KEY (space, site)
    );
    CREATE TABLE changes (
      id INTEGER PRIMARY KEY,
      space TEXT NOT NULL REFERENCES spaces(name),
      server_seq INTEGER NOT NULL,
      site TEXT NOT NULL,
      seq INTEGER NOT NULL,
      json BLOB NOT NULL,
      chain BLOB NOT NULL,
      UNIQUE (space, server_seq),
      UNIQUE (space, site, seq)
    );
    CREATE TABLE heads (
      space TEXT NOT NULL REFERENCES spaces(name),
      site TEXT NOT NULL,
      seq INTEGER NOT NULL,
      head BLOB NOT NULL,
      PRIMARY KEY (space, site, seq)
    );
    """

  // MARK: Sync

  public func token(hash: String) async throws -> TokenRecord? {
    try await read { connection in
      try connection.firstRow(
        "SELECT hash, space, user, read_only, created, revoked FROM tokens WHERE hash = ?1",
        [hash], Self.tokenRecord)
    }
  }

  public func changes(
    in space: String, after cursor: Int, limit: Int, maximumBytes: Int
  ) async throws -> StoredPage {
    try await read { connection in
      try Self.requireSpaceHead(space, connection)
      // Sizes first (SQLite reads a blob's length without its content), then only the
      // changes the page takes: a page of large values never holds more than it must.
      let page = try PageBound.rows(after: cursor, limit: limit, maximumBytes: maximumBytes) {
        after, count in
        try connection.rows(
          """
          SELECT c.server_seq, c.site, length(c.json), h.seq IS NOT NULL FROM changes c
          LEFT JOIN heads h ON h.space = c.space AND h.site = c.site AND h.seq = c.seq
          WHERE c.space = ?1 AND c.server_seq > ?2 ORDER BY c.server_seq LIMIT ?3
          """,
          [space, after, count]
        ) { row in
          PageRow(
            serverSeq: row.int(0), site: row.string(1), size: row.int(2), signed: row.int(3) != 0)
        }
      }
      guard let last = page.rows.last?.serverSeq else {
        return StoredPage(changes: [], heads: [], cursor: cursor, more: false)
      }
      let rows = try connection.rows(
        """
        SELECT c.site, c.json, h.head FROM changes c
        LEFT JOIN heads h ON h.space = c.space AND h.site = c.site AND h.seq = c.seq
        WHERE c.space = ?1 AND c.server_seq > ?2 AND c.server_seq <= ?3 ORDER BY c.server_seq
        """,
        [space, cursor, last]
      ) { row in (site: row.string(0), json: row.blob(1), head: row.isNull(2) ? nil : row.blob(2)) }
      return StoredPage(
        changes: rows.map(\.json),
        heads: PageBound.heads(sites: rows.map(\.site), heads: rows.map(\.head)),
        cursor: last, more: page.more)
    }
  }

  public func vector(of space: String) async throws -> VectorResponse {
    // One read transaction: the heads and the cursor come from one snapshot.
    try await read { connection in
      let head = try Self.requireSpaceHead(space, connection)
      var vector = VersionVector()
      let rows = try connection.rows(
        "SELECT site, seq FROM sites WHERE space = ?1", [space]
      ) { row in (row.string(0), row.int(1)) }
      for (site, seq) in rows {
        if let site = SiteID(rawValue: site) { vector[site] = seq }
      }
      return VectorResponse(vector: vector, cursor: head)
    }
  }

  public func append(
    _ batch: [IncomingChange], heads: [SignedHead], to space: String, by user: String
  ) async throws -> PushResponse {
    let response = try await write { connection in
      try Self.store(batch, heads: heads, to: space, by: user, connection)
    }
    if response.accepted > 0 { feed.announce(space: space) }
    ServerMetrics.recordPushed(response.accepted)
    return response
  }

  public func checkReady() async throws {
    _ = try await read { connection in try connection.scalarInt("SELECT 1") }
  }

  /// `append` without the announcement: checks and stores the batch in one transaction.
  private static func store(
    _ batch: [IncomingChange], heads: [SignedHead], to space: String, by user: String,
    _ connection: Connection
  ) throws -> PushResponse {
    try connection.transaction {
      var head = try Self.requireSpaceHead(space, connection)
      var sites: [SiteID: SiteBinding] = [:]
      for site in Set(batch.map(\.change.site)) {
        let row = try connection.firstRow(
          "SELECT user, key, seq, chain FROM sites WHERE space = ?1 AND site = ?2",
          [space, site.rawValue]
        ) { row in
          (user: row.string(0), key: row.string(1), seq: row.int(2), chain: row.blob(3))
        }
        guard let row else { continue }
        // Only this code writes the table: an unreadable key is a damaged file.
        guard let key = SitePublicKey(hex: row.key) else { throw SyncError.internalError }
        sites[site] = SiteBinding(
          user: row.user, key: key, chain: SiteChain(seq: row.seq, hash: row.chain))
      }
      var stored: [Dot: StoredChange] = [:]
      for dot in PushCheck.storedChangesToCompare(batch, sites: sites) {
        stored[dot] = try connection.firstRow(
          "SELECT json, chain FROM changes WHERE space = ?1 AND site = ?2 AND seq = ?3",
          [space, dot.site.rawValue, dot.seq]
        ) { StoredChange(json: $0.blob(0), chain: $0.blob(1)) }
      }
      let plan = try PushCheck.plan(batch, heads: heads, user: user, sites: sites, stored: stored)
      for accepted in plan.accepted {
        head += 1
        let change = accepted.incoming.change
        try connection.run(
          """
          INSERT INTO changes (space, server_seq, site, seq, json, chain)
          VALUES (?1, ?2, ?3, ?4, ?5, ?6)
          """,
          space, head, change.site.rawValue, change.seq, accepted.incoming.json, accepted.chain)
      }
      for signed in plan.heads {
        try connection.run(
          "INSERT INTO heads (space, site, seq, head) VALUES (?1, ?2, ?3, ?4)",
          space, signed.site.rawValue, signed.seq, signed.encoded())
      }
      for (site, binding) in plan.bindings {
        try connection.run(
          """
          INSERT INTO sites (space, site, user, key, seq, chain) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
          ON CONFLICT (space, site) DO UPDATE SET seq = excluded.seq, chain = excluded.chain
          """,
          space, site.rawValue, binding.user, binding.key.hex, binding.chain.seq,
          binding.chain.hash)
      }
      if !plan.accepted.isEmpty {
        try connection.run("UPDATE spaces SET head = ?2 WHERE name = ?1", space, head)
      }
      return PushResponse(
        accepted: plan.accepted.count, duplicates: plan.duplicates, cursor: head)
    }
  }

  // MARK: Administration

  public func createSpace(named name: String) async throws {
    try NameRules.check(name, as: "space")
    try await write { connection in
      try connection.transaction {
        guard try connection.scalarInt("SELECT 1 FROM spaces WHERE name = ?1", [name]) == nil else {
          throw StoreError(.spaceExists, "space '\(name)' already exists")
        }
        try connection.run(
          "INSERT INTO spaces (name, created) VALUES (?1, ?2)", name, Self.seconds(Date()))
      }
    }
  }

  public func spaceNames() async throws -> [String] {
    try await read { connection in
      try connection.rows("SELECT name FROM spaces ORDER BY name") { $0.string(0) }
    }
  }

  public func addToken(_ token: TokenRecord) async throws {
    try await write { connection in
      try connection.transaction {
        try Self.requireSpaceHead(token.space, connection)
        try connection.run(
          """
          INSERT INTO tokens (hash, space, user, read_only, created, revoked)
          VALUES (?1, ?2, ?3, ?4, ?5, ?6)
          """,
          token.hash, token.space, token.user, token.readOnly, Self.seconds(token.created),
          token.revoked.map(Self.seconds))
      }
    }
  }

  public func tokens(in space: String?) async throws -> [TokenRecord] {
    try await read { connection in
      if let space {
        try Self.requireSpaceHead(space, connection)
        return try connection.rows(
          """
          SELECT hash, space, user, read_only, created, revoked FROM tokens
          WHERE space = ?1 ORDER BY created, hash
          """,
          [space], Self.tokenRecord)
      }
      return try connection.rows(
        """
        SELECT hash, space, user, read_only, created, revoked FROM tokens
        ORDER BY space, created, hash
        """,
        [], Self.tokenRecord)
    }
  }

  public func revokeToken(idPrefix: String) async throws -> TokenRecord {
    guard idPrefix.utf8.count >= 4, Hex.isLowercaseHex(idPrefix) else {
      throw StoreError(
        .unknownToken, "token id '\(idPrefix)' must be 4 or more lowercase hex digits")
    }
    return try await write { connection in
      try connection.transaction {
        let matches = try connection.rows(
          """
          SELECT hash, space, user, read_only, created, revoked FROM tokens
          WHERE substr(hash, 1, length(?1)) = ?1 LIMIT 2
          """,
          [idPrefix], Self.tokenRecord)
        guard let match = matches.first else {
          throw StoreError(.unknownToken, "no token id starts with '\(idPrefix)'")
        }
        guard matches.count == 1 else {
          throw StoreError(
            .ambiguousToken, "several token ids start with '\(idPrefix)'; give more digits")
        }
        if match.revoked != nil { return match }
        let now = Date()
        try connection.run(
          "UPDATE tokens SET revoked = ?2 WHERE hash = ?1", match.hash, Self.seconds(now))
        return TokenRecord(
          hash: match.hash, space: match.space, user: match.user, readOnly: match.readOnly,
          created: match.created, revoked: Date(timeIntervalSince1970: Double(Self.seconds(now))))
      }
    }
  }

  // MARK: Helpers

  /// The space's latest server sequence number; throws when the space does not exist.
  @discardableResult
  private static func requireSpaceHead(_ space: String, _ connection: Connection) throws -> Int {
    guard let head = try connection.scalarInt("SELECT head FROM spaces WHERE name = ?1", [space])
    else { throw StoreError.unknownSpace(space) }
    return Int(head)
  }

  private static func tokenRecord(_ row: Row) -> TokenRecord {
    TokenRecord(
      hash: row.string(0), space: row.string(1), user: row.string(2),
      readOnly: row.int(3) != 0,
      created: Date(timeIntervalSince1970: Double(row.int64(4))),
      revoked: row.isNull(5) ? nil : Date(timeIntervalSince1970: Double(row.int64(5))))
  }

  private static func seconds(_ date: Date) -> Int64 {
    Int64(date.timeIntervalSince1970.rounded(.down))
  }
}

/// The threads SQLite stores block on: one writer (writes are serialized by SQLite anyway,
/// and a queue of pushes must not take the threads reads need) and a few readers.
enum SQLiteThreads {
  static let writer = started(NIOThreadPool(numberOfThreads: 1))
  static let readers = started(NIOThreadPool(numberOfThreads: 4))

  private static func started(_ pool: NIOThreadPool) -> NIOThreadPool {
    pool.start()
    return pool
  }
}

/// A value used only while holding a lock.
final class Guarded<Value>: @unchecked Sendable {
  // @unchecked: `value` is only reached through `withLock`.
  private let lock = NSLock()
  private let value: Value

  init(_ value: Value) { self.value = value }

  func withLock<T>(_ body: (Value) throws -> T) rethrows -> T {
    try lock.withLock { try body(value) }
  }
}

/// Read-only connections to one database file, each used by one thread at a time; as many
/// are opened as threads read at once.
final class ReaderConnections: @unchecked Sendable {
  // @unchecked: `idle` is only touched while holding `lock`; a connection taken from it
  // belongs to the taking thread until it is put back.
  private let lock = NSLock()
  private var idle: [Connection] = []
  private let path: String
  /// Set for `:memory:` databases, which only the writer connection can see.
  private let writer: Guarded<Connection>?

  init(path: String, writer: Guarded<Connection>?) {
    self.path = path
    self.writer = writer
  }

  /// Runs `body` with a connection inside a read transaction.
  func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
    if let writer { return try writer.withLock(body) }
    let connection = try lock.withLock { idle.popLast() } ?? Connection(path: path, readOnly: true)
    defer { lock.withLock { idle.append(connection) } }
    try connection.execute("BEGIN")
    do {
      let result = try body(connection)
      try connection.execute("COMMIT")
      return result
    } catch {
      try? connection.execute("ROLLBACK")
      throw error
    }
  }
}
