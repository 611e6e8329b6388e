import CSQLite

/// An error reported by SQLite, carrying everything needed to understand it.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
  /// SQLite's extended result code (for example `SQLITE_CONSTRAINT_UNIQUE`).
  public let extendedCode: Int32
  /// SQLite's own message for the failure.
  public let message: String
  /// The SQL being prepared or run, when there was one.
  public let sql: String?

  public init(extendedCode: Int32, message: String, sql: String? = nil) {
    self.extendedCode = extendedCode
    self.message = message
    self.sql = sql
  }

  /// The primary result code (the low byte of the extended code).
  public var primaryCode: Int32 { extendedCode & 0xFF }

  /// True when the failure is a constraint violation (unique, check, foreign key…).
  public var isConstraintViolation: Bool { primaryCode == SQLITE_CONSTRAINT }

  public var description: String {
    var text = "SQLite error \(extendedCode): \(message)"
    if let sql { text += " (in: \(sql))" }
    return text
  }
}
