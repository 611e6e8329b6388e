extension Connection {
  /// Runs `body` with the database written in place, through a rollback journal and full
  /// syncs, rather than through the write-ahead log, when the switch can be made at once;
  /// otherwise `body` runs as usual. WAL mode and the previous sync level are back when it
  /// returns or throws.
  ///
  /// Meant for one large transaction into a nearly empty database: through the log, every
  /// page is written twice (to the log, then into the file by the checkpoint), read back
  /// and synced twice; in place, a page past the file's old end needs no journal at all.
  ///
  /// The switch is made only when no other connection has the file open and no transaction
  /// is open on this one (SQLite refuses it then, without waiting). While `body` runs,
  /// another connection that opens the file waits for it (`BusyWait`), readers included, as
  /// for any writer in rollback mode.
  ///
  /// - Returns: What `body` returned, and whether it ran in place.
  public func writingInPlace<T>(_ body: () throws -> T) rethrows -> (result: T, inPlace: Bool) {
    guard let synchronous = try? scalarInt("PRAGMA synchronous"),
      (try? firstRow("PRAGMA journal_mode = DELETE") { $0.string(0) }) == "delete"
    else { return (try body(), false) }
    defer {
      _ = try? firstRow("PRAGMA journal_mode = WAL") { $0.string(0) }
      try? execute("PRAGMA synchronous = \(synchronous)")
    }
    // A rollback journal with NORMAL syncs can be left damaged by a power cut; FULL cannot.
    guard (try? execute("PRAGMA synchronous = FULL")) != nil else { return (try body(), false) }
    return (try body(), true)
  }
}
