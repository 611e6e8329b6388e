import FolioModel
import Logging
import PostgresNIO

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A `ChangeStore` in a PostgreSQL database, which several `folio-server` processes can share.
///
/// Server sequence numbers: a push locks its space's row (`SELECT … FOR UPDATE`) before it
/// numbers its changes, and holds the lock until it commits. Two pushes to one space, from any
/// processes, therefore number and commit one after the other, so changes become visible in
/// sequence order: a pull never sees number N+1 while N is still uncommitted, and a cursor
/// never moves past a change it will not see. Pushes to different spaces do not wait for each
/// other.
///
/// Live pulls: every push that stores changes sends `NOTIFY folio_changes, 'SPACE'` inside its
/// transaction (delivered on commit), and every process listens on one dedicated connection,
/// announcing the space on its `feed`.
///
/// The store works while `run()` runs (it drives the connection pool and the listener); use
/// `PostgresChangeStore.withStore` for a store that lives as long as a closure.
public final class PostgresChangeStore: ChangeStore {
  /// Where the database is.
  public let url: PostgresURL
  public let feed = ChangeFeed()
  private let client: PostgresClient
  private let logger: Logger

  /// The schema version this code writes (table `folio_schema`): 2 since changes are signed
  /// (protocol 2).
  static let schemaVersion = 2
  /// The NOTIFY channel.
  static let channel = "folio_changes"
  /// The key of the advisory lock that serializes migrations between processes.
  static let migrationLockKey = 0x666f_6c69_6f00

  /// A store for the database at `url`; nothing is opened until `run()`.
  public init(url: PostgresURL, logger: Logger = Logger(label: "folio-server.postgres")) {
    var configuration = url.clientConfiguration()
    configuration.options.maximumConnections = 16
    self.url = url
    self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    self.logger = logger
  }

  /// Runs `body` with a store on `url` whose schema is up to date, then closes it.
  ///
  /// - Parameters:
  ///   - url: The database.
  ///   - listening: Whether to hear other processes' pushes (for a serving process; an
  ///     administration command does not need it).
  ///   - logger: Where postgres-nio and the listener log.
  ///   - body: What to do with the store.
  /// - Returns: What `body` returned.
  /// - Throws: `StoreError.databaseUnavailable` at once when the database cannot be reached
  ///   (rather than waiting for the pool, which retries for ever), or what `body` threw.
  public static func withStore<T: Sendable>(
    url: PostgresURL, listening: Bool = true,
    logger: Logger = Logger(label: "folio-server.postgres"),
    _ body: (PostgresChangeStore) async throws -> T
  ) async throws -> T {
    // One direct connection first: it fails at once when the database cannot be reached
    // (the pool would retry for ever), and migrates while the pool starts.
    let connection = try await connect(url, logger: logger)
    do {
      try await migrate(on: connection, url: url, logger: logger)
      try await connection.close()
    } catch {
      try? await connection.close()
      throw error
    }
    let store = PostgresChangeStore(url: url, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { await store.run(listening: listening) }
      defer { group.cancelAll() }
      return try await body(store)
    }
  }

  /// Opens one connection; throws a `StoreError` saying why it failed.
  static func connect(_ url: PostgresURL, logger: Logger) async throws -> PostgresConnection {
    do {
      return try await PostgresConnection.connect(
        configuration: try url.connectionConfiguration(), id: 0, logger: logger)
    } catch {
      throw StoreError(
        .databaseUnavailable, "cannot open \(url.redacted): \(describe(error))")
    }
  }

  /// The one line of a PostgreSQL error worth showing.
  static func describe(_ error: any Error) -> String {
    guard let error = error as? PSQLError else { return "\(error)" }
    if let message = error.serverInfo?[.message] { return message }
    if let underlying = error.underlying { return "\(underlying)" }
    return "\(error.code)"
  }

  /// Drives the connection pool, and the LISTEN connection when `listening`, until the
  /// task is cancelled.
  public func run(listening: Bool = true) async {
    await withTaskGroup(of: Void.self) { group in
      group.addTask { await self.client.run() }
      if listening { group.addTask { await self.listen() } }
      await group.waitForAll()
    }
  }

  /// Brings the schema up to date; safe when several processes start at once (they take
  /// turns on an advisory lock).
  static func migrate(on connection: PostgresConnection, url: PostgresURL, logger: Logger)
    async throws
  {
    let setAside: UnsignedChangesSetAside?
    do {
      setAside = try await connection.withTransaction(logger: logger) { connection in
        try await connection.query(
          "SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))", logger: logger)
        try await connection.query(
          "CREATE TABLE IF NOT EXISTS folio_schema (version INTEGER NOT NULL)", logger: logger)
        let versions = try await connection.query(
          "SELECT COALESCE(max(version), 0) FROM folio_schema", logger: logger
        ).decode(Int.self).collectAll()
        let version = versions.first ?? 0
        guard version <= Self.schemaVersion else {
          throw StoreError(
            .newerSchema,
            "\(url.redacted) was written by a newer folio-server (schema \(version))")
        }
        guard version < Self.schemaVersion else { return nil }
        var setAside: UnsignedChangesSetAside?
        if version == 0 {
          for statement in Self.spacesAndTokens {
            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
          }
        } else {
          setAside = try await setAsideUnsignedChanges(on: connection, logger: logger)
        }
        for statement in Self.signedChanges {
          try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
        try await connection.query(
          "INSERT INTO folio_schema (version) VALUES (\(Self.schemaVersion))", logger: logger)
        return setAside
      }
    } catch let error as PostgresTransactionError {
      if let inner = error.closureError as? StoreError { throw inner }
      throw error
    }
    setAside?.log(store: url.redacted, schema: schemaVersion, to: logger)
  }

  /// Schema 1 → 2: the unsigned changes of protocol 1 cannot be served to protocol 2
  /// replicas (no replica could verify them), nor thrown away (they are the operator's data):
  /// they move to tables `v1_unsigned_changes`, `v1_site_owners` and `v1_site_heads`, which
  /// nothing reads. The spaces keep their latest server sequence number, so a client's old
  /// cursor never skips a change pushed after the upgrade.
  private static func setAsideUnsignedChanges(
    on connection: PostgresConnection, logger: Logger
  ) async throws -> UnsignedChangesSetAside {
    let perSpace = try await connection.query(
      "SELECT space, count(*)::int8 FROM changes GROUP BY space ORDER BY space COLLATE \"C\"",
      logger: logger
    ).decode((String, Int).self).collectAll().map { (space: $0.0, count: $0.1) }
    for statement in [
      "ALTER TABLE changes RENAME TO v1_unsigned_changes",
      "ALTER INDEX changes_pkey RENAME TO v1_unsigned_changes_pkey",
      "ALTER INDEX changes_space_site_seq_key RENAME TO v1_unsigned_changes_space_site_seq_key",
      "ALTER TABLE site_owners RENAME TO v1_site_owners",
      "ALTER INDEX site_owners_pkey RENAME TO v1_site_owners_pkey",
      "ALTER TABLE site_heads RENAME TO v1_site_heads",
      "ALTER INDEX site_heads_pkey RENAME TO v1_site_heads_pkey",
    ] {
      try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
    }
    return UnsignedChangesSetAside(perSpace: perSpace)
  }

  /// The spaces and their tokens (schema 1 and 2 alike).
  private static let spacesAndTokens = [
    """
    CREATE TABLE spaces (
      name TEXT PRIMARY KEY,
      created BIGINT NOT NULL,
      head BIGINT NOT NULL DEFAULT 0
    )
    """,
    """
    CREATE TABLE tokens (
      hash TEXT PRIMARY KEY,
      space TEXT NOT NULL REFERENCES spaces(name),
      user_name TEXT NOT NULL,
      read_only BOOLEAN NOT NULL,
      created BIGINT NOT NULL,
      revoked BIGINT
    )
    """,
    "CREATE INDEX tokens_by_space ON tokens(space, created)",
  ]

  /// Schema 2's signed changes: the site bindings (site → user, key, chain position), the
  /// changes with their site's chain at each, and the heads pushed with them.
  private static let signedChanges = [
    """
    CREATE TABLE sites (
      space TEXT NOT NULL REFERENCES spaces(name),
      site TEXT NOT NULL,
      user_name TEXT NOT NULL,
      key TEXT NOT NULL,
      seq BIGINT NOT NULL,
      chain BYTEA NOT NULL,
      PRIMARY KEY (space, site)
    )
    """,
    """
    CREATE TABLE changes (
      space TEXT NOT NULL REFERENCES spaces(name),
      server_seq BIGINT NOT NULL,
      site TEXT NOT NULL,
      seq BIGINT NOT NULL,
      json BYTEA NOT NULL,
      chain BYTEA NOT NULL,
      PRIMARY KEY (space, server_seq),
      UNIQUE (space, site, seq)
    )
    """,
    """
    CREATE TABLE heads (
      space TEXT NOT NULL REFERENCES spaces(name),
      site TEXT NOT NULL,
      seq BIGINT NOT NULL,
      head BYTEA NOT NULL,
      PRIMARY KEY (space, site, seq)
    )
    """,
  ]

  // MARK: Sync

  public func token(hash: String) async throws -> TokenRecord? {
    try await client.query(
      """
      SELECT hash, space, user_name, read_only, created, revoked FROM tokens WHERE hash = \(hash)
      """, logger: logger
    ).collect().first.map(Self.tokenRecord)
  }

  public func changes(
    in space: String, after cursor: Int, limit: Int, maximumBytes: Int
  ) async throws -> StoredPage {
    try await requireSpaceHead(space, connection: nil)
    // Sizes first, then only the changes the page takes (see SQLiteChangeStore). Changes
    // and their heads are append-only and numbered in commit order, so the later queries
    // read the same rows.
    let page = try await PageBound.rows(after: cursor, limit: limit, maximumBytes: maximumBytes) {
      after, count in
      try await client.query(
        """
        SELECT c.server_seq, c.site, octet_length(c.json), h.seq IS NOT NULL FROM changes c
        LEFT JOIN heads h ON h.space = c.space AND h.site = c.site AND h.seq = c.seq
        WHERE c.space = \(space) AND c.server_seq > \(after) ORDER BY c.server_seq LIMIT \(count)
        """, logger: logger
      ).decode((Int, String, Int, Bool).self).collectAll().map {
        PageRow(serverSeq: $0.0, site: $0.1, size: $0.2, signed: $0.3)
      }
    }
    guard let last = page.rows.last?.serverSeq else {
      return StoredPage(changes: [], heads: [], cursor: cursor, more: false)
    }
    var sites: [String] = []
    var changes: [[UInt8]] = []
    var heads: [[UInt8]?] = []
    for try await (site, json, head) in try await client.query(
      """
      SELECT c.site, c.json, h.head FROM changes c
      LEFT JOIN heads h ON h.space = c.space AND h.site = c.site AND h.seq = c.seq
      WHERE c.space = \(space) AND c.server_seq > \(cursor) AND c.server_seq <= \(last)
      ORDER BY c.server_seq
      """, logger: logger
    ).decode((String, ByteBuffer, ByteBuffer?).self) {
      sites.append(site)
      changes.append(Array(json.readableBytesView))
      heads.append(head.map { Array($0.readableBytesView) })
    }
    return StoredPage(
      changes: changes, heads: PageBound.heads(sites: sites, heads: heads), cursor: last,
      more: page.more)
  }

  public func vector(of space: String) async throws -> VectorResponse {
    // One statement, one snapshot: the heads and the cursor agree.
    let rows = try await client.query(
      """
      SELECT s.head, h.site, h.seq FROM spaces s
      LEFT JOIN sites h ON h.space = s.name WHERE s.name = \(space)
      """, logger: logger
    ).decode((Int, String?, Int?).self).collectAll()
    guard let head = rows.first?.0 else { throw StoreError.unknownSpace(space) }
    var vector = VersionVector()
    for (_, site, seq) in rows {
      if let site = site.flatMap(SiteID.init(rawValue:)), let seq { vector[site] = seq }
    }
    return VectorResponse(vector: vector, cursor: head)
  }

  public func append(
    _ batch: [IncomingChange], heads: [SignedHead], to space: String, by user: String
  ) async throws -> PushResponse {
    let response = try await transaction { connection in
      // The row lock numbers this space's pushes one at a time, across processes.
      guard
        var head = try await connection.query(
          "SELECT head FROM spaces WHERE name = \(space) FOR UPDATE", logger: self.logger
        ).decode(Int.self).first(where: { _ in true })
      else { throw StoreError.unknownSpace(space) }
      let siteNames = Array(Set(batch.map(\.change.site.rawValue)))
      var sites: [SiteID: SiteBinding] = [:]
      for try await (site, owner, key, seq, chain) in try await connection.query(
        """
        SELECT site, user_name, key, seq, chain FROM sites
        WHERE space = \(space) AND site = ANY(\(siteNames))
        """, logger: self.logger
      ).decode((String, String, String, Int, ByteBuffer).self) {
        // Only this code writes the table: an unreadable row is a damaged database.
        guard let site = SiteID(rawValue: site), let key = SitePublicKey(hex: key) else {
          throw SyncError.internalError
        }
        sites[site] = SiteBinding(
          user: owner, key: key, chain: SiteChain(seq: seq, hash: Array(chain.readableBytesView)))
      }
      let compare = PushCheck.storedChangesToCompare(batch, sites: sites)
      var stored: [Dot: StoredChange] = [:]
      if !compare.isEmpty {
        for try await (site, seq, json, chain) in try await connection.query(
          """
          SELECT site, seq, json, chain FROM changes
          WHERE space = \(space) AND (site, seq) IN (
            SELECT * FROM unnest(\(compare.map(\.site.rawValue))::text[], \(compare.map(\.seq))::int8[]))
          """, logger: self.logger
        ).decode((String, Int, ByteBuffer, ByteBuffer).self) {
          if let site = SiteID(rawValue: site) {
            stored[Dot(site: site, seq: seq)] = StoredChange(
              json: Array(json.readableBytesView), chain: Array(chain.readableBytesView))
          }
        }
      }
      let plan = try PushCheck.plan(batch, heads: heads, user: user, sites: sites, stored: stored)
      guard !plan.accepted.isEmpty else {
        return PushResponse(accepted: 0, duplicates: plan.duplicates, cursor: head)
      }
      let first = head + 1
      head += plan.accepted.count
      let accepted = plan.accepted
      try await connection.query(
        """
        INSERT INTO changes (space, server_seq, site, seq, json, chain)
        SELECT \(space), \(first) + n - 1, site, seq, json, chain
        FROM unnest(\(accepted.map(\.incoming.change.site.rawValue))::text[],
          \(accepted.map(\.incoming.change.seq))::int8[],
          \(accepted.map { ByteBuffer(bytes: $0.incoming.json) })::bytea[],
          \(accepted.map { ByteBuffer(bytes: $0.chain) })::bytea[])
          WITH ORDINALITY AS t(site, seq, json, chain, n)
        """, logger: self.logger)
      try await connection.query(
        """
        INSERT INTO heads (space, site, seq, head)
        SELECT \(space), site, seq, head
        FROM unnest(\(plan.heads.map(\.site.rawValue))::text[], \(plan.heads.map(\.seq))::int8[],
          \(plan.heads.map { ByteBuffer(bytes: $0.encoded()) })::bytea[]) AS t(site, seq, head)
        """, logger: self.logger)
      let bindings = Array(plan.bindings)
      try await connection.query(
        """
        INSERT INTO sites (space, site, user_name, key, seq, chain)
        SELECT \(space), site, user_name, key, seq, chain
        FROM unnest(\(bindings.map(\.key.rawValue))::text[], \(bindings.map(\.value.user))::text[],
          \(bindings.map(\.value.key.hex))::text[], \(bindings.map(\.value.chain.seq))::int8[],
          \(bindings.map { ByteBuffer(bytes: $0.value.chain.hash) })::bytea[])
          AS t(site, user_name, key, seq, chain)
        ON CONFLICT (space, site) DO UPDATE SET seq = excluded.seq, chain = excluded.chain
        """, logger: self.logger)
      try await connection.query(
        "UPDATE spaces SET head = \(head) WHERE name = \(space)", logger: self.logger)
      // Delivered to every listening process when, and only if, this transaction commits.
      try await connection.query(
        "SELECT pg_notify(\(Self.channel), \(space))", logger: self.logger)
      return PushResponse(
        accepted: plan.accepted.count, duplicates: plan.duplicates, cursor: head)
    }
    return response
  }

  public func checkReady() async throws {
    // The pool waits for a connection as long as the database is away: give up after 2 s.
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { _ = try await self.client.query("SELECT 1", logger: self.logger).collect() }
      group.addTask {
        try await Task.sleep(for: .seconds(2))
        throw StoreError(.databaseUnavailable, "\(self.url.redacted) did not answer in 2 s")
      }
      defer { group.cancelAll() }
      try await group.next()
    }
  }

  // MARK: Administration

  public func createSpace(named name: String) async throws {
    try NameRules.check(name, as: "space")
    let inserted = try await client.query(
      """
      INSERT INTO spaces (name, created) VALUES (\(name), \(Self.seconds(Date())))
      ON CONFLICT (name) DO NOTHING RETURNING name
      """, logger: logger
    ).collect()
    guard !inserted.isEmpty else {
      throw StoreError(.spaceExists, "space '\(name)' already exists")
    }
  }

  public func spaceNames() async throws -> [String] {
    try await client.query("SELECT name FROM spaces ORDER BY name COLLATE \"C\"", logger: logger)
      .decode(String.self).collectAll()
  }

  public func addToken(_ token: TokenRecord) async throws {
    try await transaction { connection in
      try await self.requireSpaceHead(token.space, connection: connection)
      try await connection.query(
        """
        INSERT INTO tokens (hash, space, user_name, read_only, created, revoked)
        VALUES (\(token.hash), \(token.space), \(token.user), \(token.readOnly),
          \(Self.seconds(token.created)), \(token.revoked.map(Self.seconds)))
        """, logger: self.logger)
    }
  }

  public func tokens(in space: String?) async throws -> [TokenRecord] {
    if let space {
      try await requireSpaceHead(space, connection: nil)
      return try await client.query(
        """
        SELECT hash, space, user_name, read_only, created, revoked FROM tokens
        WHERE space = \(space) ORDER BY created, hash COLLATE "C"
        """, logger: logger
      ).collect().map(Self.tokenRecord)
    }
    return try await client.query(
      """
      SELECT hash, space, user_name, read_only, created, revoked FROM tokens
      ORDER BY space COLLATE "C", created, hash COLLATE "C"
      """, logger: logger
    ).collect().map(Self.tokenRecord)
  }

  public func revokeToken(idPrefix: String) async throws -> TokenRecord {
    guard idPrefix.utf8.count >= 4, Hex.isLowercaseHex(idPrefix) else {
      throw StoreError(
        .unknownToken, "token id '\(idPrefix)' must be 4 or more lowercase hex digits")
    }
    return try await transaction { connection in
      let matches = try await connection.query(
        """
        SELECT hash, space, user_name, read_only, created, revoked FROM tokens
        WHERE starts_with(hash, \(idPrefix)) LIMIT 2 FOR UPDATE
        """, logger: self.logger
      ).collect().map(Self.tokenRecord)
      guard let match = matches.first else {
        throw StoreError(.unknownToken, "no token id starts with '\(idPrefix)'")
      }
      guard matches.count == 1 else {
        throw StoreError(
          .ambiguousToken, "several token ids start with '\(idPrefix)'; give more digits")
      }
      if match.revoked != nil { return match }
      let now = Self.seconds(Date())
      try await connection.query(
        "UPDATE tokens SET revoked = \(now) WHERE hash = \(match.hash)", logger: self.logger)
      return TokenRecord(
        hash: match.hash, space: match.space, user: match.user, readOnly: match.readOnly,
        created: match.created, revoked: Date(timeIntervalSince1970: Double(now)))
    }
  }

  // MARK: Helpers

  /// Runs `body` in a transaction and rethrows its own errors unwrapped (postgres-nio wraps
  /// them in `PostgresTransactionError`). Returns only after COMMIT succeeded.
  private func transaction<T: Sendable>(
    _ body: (PostgresConnection) async throws -> T
  ) async throws -> T {
    do {
      return try await client.withConnection { connection in
        try await connection.withTransaction(logger: logger) { transaction in
          try await body(transaction)
        }
      }
    } catch let error as PostgresTransactionError {
      if let inner = error.closureError {
        if let inner = inner as? SyncError { throw inner }
        if let inner = inner as? StoreError { throw inner }
      }
      throw error
    }
  }

  /// The space's latest server sequence number; throws when the space does not exist.
  @discardableResult
  private func requireSpaceHead(_ space: String, connection: PostgresConnection?) async throws
    -> Int
  {
    let query: PostgresQuery = "SELECT head FROM spaces WHERE name = \(space)"
    let rows =
      if let connection {
        try await connection.query(query, logger: logger).decode(Int.self).collectAll()
      } else {
        try await client.query(query, logger: logger).decode(Int.self).collectAll()
      }
    guard let head = rows.first else { throw StoreError.unknownSpace(space) }
    return head
  }

  /// Listens for other processes' commits on a dedicated connection (a pooled one could be
  /// closed or handed out), reconnecting with backoff while the task runs.
  private func listen() async {
    var delay = Duration.milliseconds(100)
    while !Task.isCancelled {
      do {
        let connection = try await PostgresConnection.connect(
          configuration: try url.connectionConfiguration(), id: 0, logger: logger)
        try await withTaskCancellationHandler {
          try await connection.listen(on: Self.channel) { notifications in
            delay = .milliseconds(100)
            // Commits made while no connection listened were not heard: look again.
            feed.announceAll()
            for try await notification in notifications {
              feed.announce(space: notification.payload)
            }
          }
        } onCancel: {
          let _: EventLoopFuture<Void> = connection.close()
        }
        try? await connection.close()
      } catch {
        guard !Task.isCancelled else { return }
        logger.warning(
          "LISTEN connection lost; retrying",
          metadata: ["database": "\(url.redacted)", "error": "\(String(reflecting: error))"])
      }
      try? await Task.sleep(for: delay)
      delay = min(delay * 2, .seconds(5))
    }
  }

  private static func tokenRecord(_ row: PostgresRow) throws -> TokenRecord {
    let (hash, space, user, readOnly, created, revoked) = try row.decode(
      (String, String, String, Bool, Int64, Int64?).self)
    return TokenRecord(
      hash: hash, space: space, user: user, readOnly: readOnly,
      created: Date(timeIntervalSince1970: Double(created)),
      revoked: revoked.map { Date(timeIntervalSince1970: Double($0)) })
  }

  private static func seconds(_ date: Date) -> Int64 {
    Int64(date.timeIntervalSince1970.rounded(.down))
  }
}

extension AsyncSequence {
  /// Every element, in order.
  fileprivate func collectAll() async throws -> [Element] {
    var elements: [Element] = []
    for try await element in self { elements.append(element) }
    return elements
  }
}
