import FolioArticles
import FolioModel
import Testing

@testable import FolioReplica

/// Two replica objects open on one file (a `folio watch` beside other `folio` commands):
/// each sees what the other committed, since a transaction starts by dropping what its
/// object kept in memory when another connection committed meanwhile.
@Suite struct SharedFileTests {
  /// A site the other object brought in (with its site key) is known here.
  @Test func aSiteAddedByTheOtherObjectIsKnown() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("r.sqlite")
    let first = try Replica.create(at: path, author: "ana")
    _ = try first.importArticles([sampleArticle("by the first")])
    let carol = try Replica.create(at: directory.file("carol.sqlite"), author: "carol")
    _ = try carol.importArticles([sampleArticle("by carol")])
    _ = try carol.createBundle(at: directory.file("carol.bundle"), for: nil)
    let second = try Replica.open(at: path)
    _ = try second.applyBundle(at: directory.file("carol.bundle"))

    let other = try #require(try first.allArticles().first { $0.title == "by carol" })
    try first.tag(.article(other.id), adding: ["seen"], removing: [])
    #expect(try second.article(id: other.id)?.tags == ["seen"])
    #expect(try first.versionVector() == second.versionVector())
  }

  /// Both objects write this replica's own changes in turn: each goes on from the other's
  /// seqs and clock, and every change is in the log once.
  @Test func bothObjectsWriteInTurn() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("r.sqlite")
    let first = try Replica.create(at: path, author: "ana")
    let second = try Replica.open(at: path)
    for round in 0..<3 {
      _ = try first.importArticles([sampleArticle("first \(round)")])
      _ = try second.importArticles([sampleArticle("second \(round)")])
    }
    let changes = try first.changes(notCoveredBy: VersionVector())
    #expect(changes.map(\.seq) == Array(1...changes.count))
    #expect(Set(changes.map(\.hlc)).count == changes.count, "no clock reading used twice")
    #expect(try second.changeCount() == changes.count)
    #expect(try second.allArticles().count == 6)
  }
}
