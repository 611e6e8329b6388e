import CSQLite

/// One open SQLite database.
///
/// A connection is not `Sendable`: it belongs to the task or actor that opened it. Prepared
/// statements are cached by SQL text and reused for the life of the connection.
public final class Connection {
  let handle: OpaquePointer
  private var statementCache: [String: Statement] = [:]
  private var transactionDepth = 0
  /// Set while `writingInPlace` runs: its transaction takes the exclusive lock at once.
  var beginsExclusive = false
  /// Kept alive here: SQLite's busy handler holds it unretained.
  private let busyWaiter: BusyWaiter

  /// The file this connection opened.
  public let path: String

  /// Opens (creating if needed) the database at `path` in WAL mode with foreign keys on.
  ///
  /// - Parameters:
  ///   - path: A file path, or `:memory:`.
  ///   - readOnly: Open without write access; the file must exist.
  ///   - busyTimeoutMilliseconds: How long to wait for a lock held by another connection
  ///     before failing with `SQLITE_BUSY` (see `BusyWait` for what the wait looks like).
  /// - Throws: `SQLiteError` saying what went wrong; nothing is changed then.
  public init(
    path: String, readOnly: Bool = false, busyTimeoutMilliseconds: Int32 = 60_000
  ) throws(SQLiteError) {
    Connection.configureOnce
    var db: OpaquePointer?
    let flags =
      (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE))
      | SQLITE_OPEN_NOMUTEX
    let code = sqlite3_open_v2(path, &db, flags, nil)
    guard code == SQLITE_OK, let db else {
      let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open database"
      let extended = db.map { sqlite3_extended_errcode($0) } ?? code
      sqlite3_close_v2(db)
      throw SQLiteError(extendedCode: extended, message: "\(message): \(path)")
    }
    self.handle = db
    self.path = path
    self.busyWaiter = BusyWaiter(limitMilliseconds: busyTimeoutMilliseconds)
    sqlite3_extended_result_codes(db, 1)
    sqlite3_busy_handler(
      db, { context, attempt in BusyWaiter.retry(context, attempt) },
      Unmanaged.passUnretained(busyWaiter).toOpaque())
    do {
      if !readOnly { try setWALMode() }
      try execute("PRAGMA foreign_keys = ON")
    } catch {
      statementCache.removeAll()
      sqlite3_close_v2(db)
      throw error
    }
  }

  /// Puts the file in WAL mode (it stays so; this only does something on a new file, or
  /// after `writingInPlace` elsewhere). When that meets another connection's lock, SQLite
  /// may refuse at once rather than call the busy handler (a shared lock cannot wait to be
  /// upgraded), so the refusal is retried here as the busy handler would.
  private func setWALMode() throws(SQLiteError) {
    var attempt: Int32 = 0
    while true {
      do {
        try execute("PRAGMA journal_mode = WAL")
        return
      } catch {
        guard error.primaryCode == SQLITE_BUSY, busyWaiter.shouldRetry(attempt: attempt) else {
          throw error
        }
        attempt += 1
      }
    }
  }

  /// Process-wide settings, made before the first connection initializes SQLite (a
  /// `static let` runs once, safely across threads). Memory statistics are off: SQLite
  /// takes a global mutex around every allocation to count them.
  private static let configureOnce: Void = {
    _ = folio_sqlite_disable_memory_statistics()
  }()

  deinit {
    statementCache.removeAll()
    sqlite3_close_v2(handle)
  }

  func lastError(code: Int32, sql: String?) -> SQLiteError {
    let extended = sqlite3_extended_errcode(handle)
    return SQLiteError(
      extendedCode: extended == 0 ? code : extended,
      message: String(cString: sqlite3_errmsg(handle)), sql: sql)
  }

  /// Runs one or more SQL statements with no parameters and no results.
  public func execute(_ sql: String) throws(SQLiteError) {
    var errorMessage: UnsafeMutablePointer<CChar>?
    let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
    if code != SQLITE_OK {
      let message = errorMessage.map { String(cString: $0) } ?? "unknown error"
      sqlite3_free(errorMessage)
      throw SQLiteError(extendedCode: sqlite3_extended_errcode(handle), message: message, sql: sql)
    }
  }

  /// The cached prepared statement for `sql`, preparing it on first use.
  public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
    if let cached = statementCache[sql] { return cached }
    let statement = try Statement(connection: self, sql: sql)
    statementCache[sql] = statement
    return statement
  }

  /// Runs `sql` with `values`, ignoring results.
  public func run(_ sql: String, _ values: any SQLiteBindable...) throws(SQLiteError) {
    try prepare(sql).run(values)
  }

  /// Maps every row of `sql`.
  public func rows<T>(
    _ sql: String, _ values: [any SQLiteBindable] = [], _ transform: (Row) throws -> T
  ) throws -> [T] {
    try prepare(sql).rows(values, transform)
  }

  /// Maps the first row of `sql`, if any.
  public func firstRow<T>(
    _ sql: String, _ values: [any SQLiteBindable] = [], _ transform: (Row) throws -> T
  ) throws -> T? {
    try prepare(sql).firstRow(values, transform)
  }

  /// The integer in the first column of the first row (nil when there is no row).
  public func scalarInt(_ sql: String, _ values: [any SQLiteBindable] = []) throws -> Int64? {
    try firstRow(sql, values) { $0.int64(0) }
  }

  /// The rowid of the row the last successful INSERT added.
  public var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }

  /// Rows changed by the last INSERT, UPDATE or DELETE.
  public var changes: Int { Int(sqlite3_changes(handle)) }

  /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT` (`BEGIN EXCLUSIVE` while
  /// `writingInPlace` runs); any thrown error rolls everything back.
  ///
  /// Nested calls join the outer transaction through a savepoint, so an inner failure
  /// undoes only the inner work when the caller catches it.
  public func transaction<T>(_ body: () throws -> T) throws -> T {
    let savepoint = "folio_\(transactionDepth)"
    if transactionDepth == 0 {
      try execute(beginsExclusive ? "BEGIN EXCLUSIVE" : "BEGIN IMMEDIATE")
    } else {
      try execute("SAVEPOINT \(savepoint)")
    }
    transactionDepth += 1
    do {
      let result = try body()
      transactionDepth -= 1
      try execute(transactionDepth == 0 ? "COMMIT" : "RELEASE \(savepoint)")
      return result
    } catch {
      transactionDepth -= 1
      if transactionDepth == 0 {
        try? execute("ROLLBACK")
      } else {
        try? execute("ROLLBACK TO \(savepoint); RELEASE \(savepoint)")
      }
      throw error
    }
  }

  /// True while a `transaction` is running.
  public var isInTransaction: Bool { transactionDepth > 0 }

  /// True inside any transaction, a snapshot read (`reading`) included.
  public var isInAnyTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

  /// Runs read-only `body` inside one deferred transaction (`BEGIN … COMMIT`): its queries
  /// read one snapshot and take the file's shared lock once, not once per statement. Inside
  /// a `transaction` or another `reading`, `body` joins it. A write `transaction` started by
  /// `body` fails ("cannot start a transaction within a transaction"), so nothing is ever
  /// written through a read.
  public func reading<T>(_ body: () throws -> T) throws -> T {
    if transactionDepth > 0 || sqlite3_get_autocommit(handle) == 0 { return try body() }
    try execute("BEGIN")
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }
}
