import FolioArticles
import FolioModel
import Foundation
import Testing

@testable import FolioReplica

/// The clock and the site table's seqs are kept in memory during a transaction and written
/// when it commits: a reopened replica goes on from where the committed actions left it,
/// and a failed batch leaves both as they were.
@Suite struct CommitStateTests {
  /// A wall clock that never moves: every reading then comes from the clock's counter, so a
  /// clock that was not written would hand out readings already used.
  static let frozen: @Sendable () -> UInt64 = { 1_796_000_000_000 }

  @Test func aBatchsClockAndSeqsAreWrittenWhenItCommits() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("r.sqlite")
    let replica = try Replica.create(at: path, author: "ana", wallClock: Self.frozen)
    try replica.batch {
      _ = try replica.importArticles((0..<5).map { sampleArticle("batch \($0)") })
      for article in try replica.allArticles() {
        _ = try replica.addNote(articleID: article.id, text: "Note on \(article.title)")
      }
    }
    let written = try replica.changes(notCoveredBy: VersionVector())
    let vector = try replica.versionVector()

    let reopened = try Replica.open(at: path, wallClock: Self.frozen)
    #expect(try reopened.versionVector() == vector)
    let article = try #require(try reopened.allArticles().first)
    _ = try reopened.addNote(articleID: article.id, text: "after reopening")
    let next = try reopened.changes(notCoveredBy: vector)
    #expect(next.map(\.seq) == [vector[reopened.site] + 1, vector[reopened.site] + 2])
    let latest = try #require(written.map(\.hlc).max())
    #expect(next.allSatisfy { $0.hlc > latest }, "the clock went on from the batch's")
  }

  @Test func aFailedBatchLeavesTheClockAndSeqsAsTheyWere() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("r.sqlite")
    let replica = try Replica.create(at: path, author: "ana", wallClock: Self.frozen)
    _ = try replica.importArticles([sampleArticle("kept")])
    let vector = try replica.versionVector()
    let clock = replica.clock

    #expect(throws: ReplicaError.self) {
      try replica.batch {
        _ = try replica.importArticles([sampleArticle("dropped")])
        throw ReplicaError.invalidOperation("stop")
      }
    }
    #expect(replica.clock == clock)
    #expect(try replica.versionVector() == vector)
    let reopened = try Replica.open(at: path, wallClock: Self.frozen)
    #expect(reopened.clock == clock)
    #expect(try reopened.versionVector() == vector)
    #expect(try reopened.allArticles().map(\.title) == ["kept"])
  }
}
