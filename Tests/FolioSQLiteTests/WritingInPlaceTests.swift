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
    #expect(seen.1 == 2, "FULL while in place")
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
