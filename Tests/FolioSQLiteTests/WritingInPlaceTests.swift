import Foundation
import Testing

@testable import FolioSQLite

/// `writingInPlace` writes through a rollback journal only when it can switch at once, and
/// always leaves the connection in WAL mode with its sync level.
@Suite struct WritingInPlaceTests {
  private func mode(_ db: Connection) throws -> String? {
    try db.firstRow("PRAGMA journal_mode") { $0.string(0) }
  }

  @Test func aLoneConnectionWritesInPlaceAndIsBackInWALMode() throws {
    let temporary = try TemporaryDatabase()
    let db = temporary.db
    try db.execute("CREATE TABLE t (x INTEGER); PRAGMA synchronous = NORMAL")
    let (seen, inPlace) = try db.writingInPlace {
      try db.transaction {
        for x in 0..<1_000 { try db.run("INSERT INTO t VALUES (?1)", x) }
      }
      return (try mode(db), try db.scalarInt("PRAGMA synchronous"))
    }
    #expect(inPlace)
    #expect(seen.0 == "delete")
    #expect(seen.1 == 3, "EXTRA while in place")
    #expect(try mode(db) == "wal")
    #expect(try db.scalarInt("PRAGMA synchronous") == 1, "NORMAL again")
    #expect(try db.scalarInt("SELECT count(*) FROM t") == 1_000)
    let journal = temporary.folder.appendingPathComponent("test.sqlite-journal").path
    #expect(!FileManager.default.fileExists(atPath: journal))
  }

  @Test func aFailureInsideLeavesNothingAndWALMode() throws {
    struct Refused: Error {}
    let temporary = try TemporaryDatabase()
    let db = temporary.db
    try db.execute("CREATE TABLE t (x INTEGER)")
    #expect(throws: Refused.self) {
      _ = try db.writingInPlace {
        try db.transaction {
          for x in 0..<5_000 { try db.run("INSERT INTO t VALUES (?1)", x) }
          throw Refused()
        }
      }
    }
    #expect(try mode(db) == "wal")
    #expect(try db.scalarInt("SELECT count(*) FROM t") == 0)
    #expect(try db.firstRow("PRAGMA integrity_check") { $0.string(0) } == "ok")
  }

  @Test func anotherOpenConnectionKeepsTheLogAndIsNotWaitedFor() throws {
    let temporary = try TemporaryDatabase()
    let db = temporary.db
    try db.execute("CREATE TABLE t (x INTEGER)")
    let other = try Connection(path: db.path)
    #expect(try other.scalarInt("SELECT count(*) FROM t") == 0)
    let started = ContinuousClock.now
    let (_, inPlace) = try db.writingInPlace {
      try db.run("INSERT INTO t VALUES (1)")
    }
    #expect(!inPlace)
    #expect(started.duration(to: .now) < .seconds(2), "refused at once, not after a wait")
    #expect(try mode(db) == "wal")
    #expect(try other.scalarInt("SELECT count(*) FROM t") == 1)
  }

  /// Another connection that opens the file while the transaction runs waits for it (as
  /// another `folio` command would), rather than being refused with "database is locked".
  @Test func aConnectionOpenedMeanwhileWaitsForTheTransaction() throws {
    let temporary = try TemporaryDatabase()
    let db = temporary.db
    try db.execute("CREATE TABLE t (x INTEGER)")
    let path = db.path
    let seen = ResultSlot()
    let (_, inPlace) = try db.writingInPlace {
      try db.transaction {
        for x in 0..<100 { try db.run("INSERT INTO t VALUES (?1)", x) }
        Thread.detachNewThread {
          seen.set(
            Result {
              try Connection(path: path).scalarInt("SELECT count(*) FROM t")
            })
        }
        usleep(300_000)  // The other connection is waiting for the lock by now.
        #expect(seen.value == nil, "it waits while the transaction runs")
      }
    }
    #expect(inPlace)
    let deadline = ContinuousClock.now + .seconds(30)
    while seen.value == nil, ContinuousClock.now < deadline { usleep(10_000) }
    #expect(try seen.value?.get() == 100)
    #expect(try db.scalarInt("SELECT count(*) FROM t") == 100)
  }

  @Test func insideATransactionItRunsThroughTheLog() throws {
    let temporary = try TemporaryDatabase()
    let db = temporary.db
    try db.execute("CREATE TABLE t (x INTEGER)")
    let inPlace = try db.transaction {
      try db.writingInPlace { try db.run("INSERT INTO t VALUES (1)") }.inPlace
    }
    #expect(!inPlace)
    #expect(try db.scalarInt("SELECT count(*) FROM t") == 1)
  }
}

/// What another thread's connection read, handed to the test's thread.
private final class ResultSlot: @unchecked Sendable {
  // @unchecked: `stored` is only touched while holding `lock`.
  private let lock = NSLock()
  private var stored: Result<Int64?, any Error>?

  var value: Result<Int64?, any Error>? {
    lock.lock()
    defer { lock.unlock() }
    return stored
  }

  func set(_ result: Result<Int64?, any Error>) {
    lock.lock()
    stored = result
    lock.unlock()
  }
}
