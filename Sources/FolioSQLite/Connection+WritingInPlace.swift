extension Connection {
  /// Runs `body` with the database written in place, through a rollback journal, rather
  /// than through the write-ahead log, when the switch can be made at once; otherwise `body`
  /// runs as usual. WAL mode is back when it returns or throws.
  ///
  /// Meant for one large transaction into a nearly empty database: through the log, every
  /// page is written twice (to the log, then into the file by the checkpoint), read back
  /// and synced twice; in place, a page past the file's old end needs no journal at all.
  ///
  /// The switch is made only when no other connection has the file open and no transaction
  /// is open on this one (SQLite refuses it then, without waiting). While `body` runs, its
  /// transactions take the exclusive lock as they begin, so that another connection that
  /// opens the file waits for them (`BusyWait`), readers included, instead of being refused.
  /// Syncs are `EXTRA` meanwhile (a rollback journal with fewer syncs can be left damaged by
  /// a power cut, and `EXTRA` also makes the journal's removal, the commit, durable); the
  /// sync level is put back only once the file is in WAL mode again, and stays `EXTRA`
  /// otherwise (the next connection to open the file puts it back in WAL mode).
  ///
  /// - Returns: What `body` returned, and whether it ran in place.
  public func writingInPlace<T>(_ body: () throws -> T) rethrows -> (result: T, inPlace: Bool) {
    guard !isInAnyTransaction, let synchronous = try? scalarInt("PRAGMA synchronous"),
      (try? execute("PRAGMA synchronous = EXTRA")) != nil
    else { return (try body(), false) }
    guard (try? firstRow("PRAGMA journal_mode = DELETE") { $0.string(0) }) == "delete" else {
      try? execute("PRAGMA synchronous = \(synchronous)")
      return (try body(), false)
    }
    beginsExclusive = true
    defer {
      beginsExclusive = false
      if (try? firstRow("PRAGMA journal_mode = WAL") { $0.string(0) }) == "wal" {
        try? execute("PRAGMA synchronous = \(synchronous)")
      }
    }
    return (try body(), true)
  }
}
