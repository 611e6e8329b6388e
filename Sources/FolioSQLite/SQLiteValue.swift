/// A value bound to, or read from, an SQLite statement.
public enum SQLiteValue: Sendable, Equatable, Hashable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
  case blob([UInt8])
}

/// A Swift value that can be bound to a statement parameter.
public protocol SQLiteBindable {
  /// The SQLite representation of this value.
  var sqliteValue: SQLiteValue { get }
}

extension Int: SQLiteBindable {
  public var sqliteValue: SQLiteValue { .integer(Int64(self)) }
}

extension Int64: SQLiteBindable {
  public var sqliteValue: SQLiteValue { .integer(self) }
}

extension Double: SQLiteBindable {
  public var sqliteValue: SQLiteValue { .real(self) }
}

extension String: SQLiteBindable {
  public var sqliteValue: SQLiteValue { .text(self) }
}

extension Bool: SQLiteBindable {
  public var sqliteValue: SQLiteValue { .integer(self ? 1 : 0) }
}

extension [UInt8]: SQLiteBindable {
  public var sqliteValue: SQLiteValue { .blob(self) }
}

extension SQLiteValue: SQLiteBindable {
  public var sqliteValue: SQLiteValue { self }
}

extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
  public var sqliteValue: SQLiteValue {
    switch self {
    case .none: return .null
    case .some(let wrapped): return wrapped.sqliteValue
    }
  }
}
