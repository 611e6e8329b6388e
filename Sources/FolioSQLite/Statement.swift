import CSQLite

/// SQLite's "copy the bytes now" destructor, which the C header defines as a macro Swift
/// cannot import.
private let transientDestructor = unsafeBitCast(
  OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// A prepared statement: bind, step, read columns, reset. Owned by one `Connection`.
public final class Statement {
  let handle: OpaquePointer
  /// The SQL this statement was prepared from.
  public let sql: String
  private unowned let connection: Connection

  init(connection: Connection, sql: String) throws(SQLiteError) {
    var statement: OpaquePointer?
    let code = sqlite3_prepare_v3(
      connection.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
    guard code == SQLITE_OK, let statement else {
      sqlite3_finalize(statement)
      throw connection.lastError(code: code, sql: sql)
    }
    self.handle = statement
    self.sql = sql
    self.connection = connection
  }

  deinit { sqlite3_finalize(handle) }

  /// Binds `values` to the parameters `?1…?n`, after resetting the statement.
  public func bind(_ values: [any SQLiteBindable]) throws(SQLiteError) {
    sqlite3_reset(handle)
    sqlite3_clear_bindings(handle)
    for (offset, value) in values.enumerated() {
      try bind(value.sqliteValue, at: Int32(offset + 1))
    }
  }

  private func bind(_ value: SQLiteValue, at index: Int32) throws(SQLiteError) {
    let code: Int32
    switch value {
    case .null: code = sqlite3_bind_null(handle, index)
    case .integer(let int): code = sqlite3_bind_int64(handle, index, int)
    case .real(let double): code = sqlite3_bind_double(handle, index, double)
    case .text(var text):
      // With its length: SQLite need not scan for the end, and a U+0000 inside the text
      // does not cut it short.
      code = text.withUTF8 { utf8 in
        guard let start = utf8.baseAddress, !utf8.isEmpty else {
          return sqlite3_bind_text(handle, index, "", 0, transientDestructor)
        }
        return start.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
          sqlite3_bind_text64(
            handle, index, $0, UInt64(utf8.count), transientDestructor, UInt8(SQLITE_UTF8))
        }
      }
    case .blob(let bytes):
      code = bytes.withUnsafeBytes { buffer in
        sqlite3_bind_blob(
          handle, index, buffer.baseAddress, Int32(buffer.count), transientDestructor)
      }
    }
    guard code == SQLITE_OK else { throw connection.lastError(code: code, sql: sql) }
  }

  /// Advances to the next row; false when the statement is done.
  public func step() throws(SQLiteError) -> Bool {
    let code = sqlite3_step(handle)
    switch code {
    case SQLITE_ROW: return true
    case SQLITE_DONE:
      sqlite3_reset(handle)
      return false
    default:
      let error = connection.lastError(code: code, sql: sql)
      sqlite3_reset(handle)
      throw error
    }
  }

  /// Ends the current run of the statement early, releasing what it holds.
  public func reset() { sqlite3_reset(handle) }

  /// The row the last successful `step()` moved to.
  public var currentRow: Row { Row(statement: self) }

  /// Runs the statement to completion, ignoring any rows.
  public func run(_ values: [any SQLiteBindable] = []) throws(SQLiteError) {
    try bind(values)
    while try step() {}
  }

  /// Runs the statement and maps every row.
  public func rows<T>(
    _ values: [any SQLiteBindable] = [], _ transform: (Row) throws -> T
  ) throws -> [T] {
    try bind(values)
    var result: [T] = []
    while try step() { result.append(try transform(Row(statement: self))) }
    return result
  }

  /// Runs the statement and maps the first row, if any.
  public func firstRow<T>(
    _ values: [any SQLiteBindable] = [], _ transform: (Row) throws -> T
  ) throws -> T? {
    try bind(values)
    defer { sqlite3_reset(handle) }
    guard try step() else { return nil }
    return try transform(Row(statement: self))
  }
}

/// The current row of a stepping statement. Valid only until the next step.
public struct Row {
  let statement: Statement

  /// Number of columns in the row.
  public var count: Int { Int(sqlite3_column_count(statement.handle)) }

  /// True when the column holds NULL.
  public func isNull(_ index: Int) -> Bool {
    sqlite3_column_type(statement.handle, Int32(index)) == SQLITE_NULL
  }

  /// The column as a 64-bit integer (0 for NULL).
  public func int64(_ index: Int) -> Int64 { sqlite3_column_int64(statement.handle, Int32(index)) }

  /// The column as an `Int` (0 for NULL).
  public func int(_ index: Int) -> Int { Int(int64(index)) }

  /// The column as a double (0 for NULL).
  public func double(_ index: Int) -> Double {
    sqlite3_column_double(statement.handle, Int32(index))
  }

  /// The column as text ("" for NULL).
  public func string(_ index: Int) -> String {
    guard let pointer = sqlite3_column_text(statement.handle, Int32(index)) else { return "" }
    let length = Int(sqlite3_column_bytes(statement.handle, Int32(index)))
    return String(
      decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
  }

  /// The column as text, or nil for NULL.
  public func optionalString(_ index: Int) -> String? {
    isNull(index) ? nil : string(index)
  }

  /// The column as bytes (empty for NULL).
  public func blob(_ index: Int) -> [UInt8] {
    let length = Int(sqlite3_column_bytes(statement.handle, Int32(index)))
    guard length > 0, let pointer = sqlite3_column_blob(statement.handle, Int32(index)) else {
      return []
    }
    return [UInt8](UnsafeRawBufferPointer(start: pointer, count: length))
  }

  /// The column as a `SQLiteValue`.
  public func value(_ index: Int) -> SQLiteValue {
    switch sqlite3_column_type(statement.handle, Int32(index)) {
    case SQLITE_INTEGER: return .integer(int64(index))
    case SQLITE_FLOAT: return .real(double(index))
    case SQLITE_TEXT: return .text(string(index))
    case SQLITE_BLOB: return .blob(blob(index))
    default: return .null
    }
  }
}
