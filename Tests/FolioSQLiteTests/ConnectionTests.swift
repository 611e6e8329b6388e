import Foundation
import Testing

@testable import FolioSQLite

/// A fresh database file in its own temporary folder, removed with the value.
final class TemporaryDatabase {
  let folder: URL
  let db: Connection

  init() throws {
    folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("folio-sqlite-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    db = try Connection(path: folder.appendingPathComponent("test.sqlite").path)
  }

  deinit { try? FileManager.default.removeItem(at: folder) }
}

@Suite struct ConnectionTests {
  @Test func opensInWALModeWithForeignKeys() throws {
    let temporary = try TemporaryDatabase()
    let db = temporary.db
    do {
      #expect(try db.firstRow("PRAGMA journal_mode") { $0.string(0) } == "wal")
      #expect(try db.scalarInt("PRAGMA foreign_keys") == 1)
    }
  }

  @Test func bindsAndReadsEveryType() throws {
    let temporary = try TemporaryDatabase()
    let db = temporary.db
    do {
      try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)")
      try db.run(
        "INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)", Int64.max, 2.5, "héllo 🌍",
        [UInt8]([0, 1, 255]),
        String?.none)
      let row = try db.firstRow("SELECT i, r, s, b, n FROM t") { row in
        (row.int64(0), row.double(1), row.string(2), row.blob(3), row.optionalString(4))
      }
      let values = try #require(row)
      #expect(values.0 == Int64.max)
      #expect(values.1 == 2.5)
      #expect(values.2 == "héllo 🌍")
      #expect(values.3 == [0, 1, 255])
      #expect(values.4 == nil)
    }
  }

  /// Text is bound with its length: an empty text is text (not NULL), and one with U+0000
  /// inside comes back whole.
  @Test func bindsEmptyTextAndTextWithANul() throws {
    let temporary = try TemporaryDatabase()
    let db = temporary.db
    try db.execute("CREATE TABLE t (k INTEGER, s TEXT)")
    let texts = ["", "a\u{0}b", "\u{0}", String(repeating: "long text ", count: 300)]
    for (key, text) in texts.enumerated() { try db.run("INSERT INTO t VALUES (?1, ?2)", key, text) }
    let read = try db.rows("SELECT s, s IS NULL FROM t ORDER BY k") { ($0.string(0), $0.int(1)) }
    #expect(read.map(\.0) == texts)
    #expect(read.map(\.1) == [0, 0, 0, 0])
  }

  @Test func reusesPreparedStatements() throws {
    let temporary = try TemporaryDatabase()
    let db = temporary.db
    do {
      let first = try db.prepare("SELECT 1")
      let second = try db.prepare("SELECT 1")
      #expect(first === second)
    }
  }

  @Test func rollsBackWhenTheBodyThrows() throws {
    struct Boom: Error {}
    let temporary = try TemporaryDatabase()
    let db = temporary.db
    do {
      try db.execute("CREATE TABLE t (x INTEGER)")
      #expect(throws: Boom.self) {
        try db.transaction {
          try db.run("INSERT INTO t VALUES (1)")
          throw Boom()
        }
      }
      #expect(try db.scalarInt("SELECT count(*) FROM t") == 0)
      #expect(!db.isInTransaction)
    }
  }

  @Test func nestedTransactionUndoesOnlyItsOwnWork() throws {
    struct Boom: Error {}
    let temporary = try TemporaryDatabase()
    let db = temporary.db
    do {
      try db.execute("CREATE TABLE t (x INTEGER)")
      try db.transaction {
        try db.run("INSERT INTO t VALUES (1)")
        _ = try? db.transaction {
          try db.run("INSERT INTO t VALUES (2)")
          throw Boom()
        }
      }
      #expect(try db.rows("SELECT x FROM t") { $0.int(0) } == [1])
    }
  }

  /// A read sees one snapshot: a write committed by another connection meanwhile shows
  /// only after it ends. A write transaction started inside it fails and writes nothing.
  @Test func aReadSeesOneSnapshotAndCannotWrite() throws {
    let temporary = try TemporaryDatabase()
    let db = temporary.db
    do {
      try db.execute("CREATE TABLE t (x INTEGER)")
      try db.run("INSERT INTO t VALUES (1)")
      let other = try Connection(path: temporary.folder.appendingPathComponent("test.sqlite").path)
      let counts = try db.reading {
        let before = try db.scalarInt("SELECT count(*) FROM t")
        try other.run("INSERT INTO t VALUES (2)")
        let after = try db.scalarInt("SELECT count(*) FROM t")
        #expect(throws: SQLiteError.self) {
          try db.transaction { try db.run("INSERT INTO t VALUES (3)") }
        }
        return [before, after]
      }
      #expect(counts == [1, 1])
      #expect(try db.rows("SELECT x FROM t ORDER BY x") { $0.int(0) } == [1, 2])
      #expect(!db.isInTransaction)
    }
  }

  @Test func errorsCarryCodeMessageAndSQL() throws {
    let temporary = try TemporaryDatabase()
    let db = temporary.db
    do {
      try db.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
      try db.run("INSERT INTO t VALUES (1)")
      do {
        try db.run("INSERT INTO t VALUES (1)")
        Issue.record("a duplicate key must fail")
      } catch {
        #expect(error.isConstraintViolation)
        #expect(error.extendedCode == 1555)  // SQLITE_CONSTRAINT_PRIMARYKEY
        #expect(error.message.contains("UNIQUE"))
        #expect(error.sql == "INSERT INTO t VALUES (1)")
      }
      #expect(throws: SQLiteError.self) { try db.prepare("SELEKT nonsense") }
    }
  }

  @Test func openingAFolderFails() throws {
    let folder = FileManager.default.temporaryDirectory.path
    #expect(throws: SQLiteError.self) { try Connection(path: folder) }
  }
}
