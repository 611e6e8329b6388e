import FolioArticles
import FolioModel
import Foundation
import Testing

@testable import FolioReplica

/// Annotations are indexed by the first eight characters of their ids (`RecordIDIndex`):
/// records whose ids share them, as a teammate's crafted or unlucky ids may, are still read,
/// edited, named and deleted one by one.
@Suite struct RecordIDIndexTests {
  static let first = "aaaa0000aaaa0001"
  static let second = "aaaa0000aaaa0002"
  static let third = "aaaa0000bbbb"

  /// A replica holding an article and three notes on it, written by another site, whose ids
  /// share their first eight characters.
  static func replicaWithSharedPrefixes(
    in directory: TemporaryDirectory
  ) throws -> (replica: Replica, article: String) {
    let clock = ManualClock()
    let replica = try Replica.create(
      at: directory.file("r.sqlite"), author: "alice", wallClock: clock.wallClock)
    _ = try replica.importArticles([sampleArticle("Shared prefixes")])
    let article = Article.id(sourceURL: nil, title: "Shared prefixes")
    let site = SiteID.random()
    var changes: [Change] = []
    for id in [first, second, third] {
      for (field, value) in [
        (Field.target, AnnotationTarget(article: article, kind: .note).jsonValue),
        (Field.note, JSONValue.string("note of \(id)")),
      ] {
        changes.append(
          Change(
            site: site, seq: changes.count + 1,
            hlc: HybridTimestamp(milliseconds: clock.now - 1_000, counter: UInt16(changes.count)),
            author: "bob", entity: .annotation(id), field: field, op: .set, value: value))
      }
    }
    _ = try replica.applyRemote(changes)
    return (replica, article)
  }

  @Test func eachRecordIsReadAndEditedByItsWholeID() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let (replica, _) = try Self.replicaWithSharedPrefixes(in: directory)
    for id in [Self.first, Self.second, Self.third] {
      #expect(try replica.annotation(id: id)?.note == "note of \(id)")
    }
    #expect(try replica.annotation(id: "aaaa0000") == nil)
    try replica.editAnnotation(id: Self.second, note: "edited")
    #expect(try replica.annotation(id: Self.first)?.note == "note of \(Self.first)")
    #expect(try replica.annotation(id: Self.second)?.note == "edited")
    #expect(try replica.annotation(id: Self.third)?.note == "note of \(Self.third)")
    #expect(
      try replica.db.scalarInt("SELECT count(*) FROM annotations WHERE id LIKE 'aaaa0000%'") == 3)
  }

  @Test func prefixesNameOneRecordOrAreAmbiguous() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let (replica, _) = try Self.replicaWithSharedPrefixes(in: directory)
    #expect(
      Self.candidates(resolving: "aaaa0000", in: replica) == [Self.first, Self.second, Self.third])
    #expect(Self.candidates(resolving: "aaaa0000aaaa", in: replica) == [Self.first, Self.second])
    #expect(try replica.resolve("aaaa0000b") == .annotation(Self.third))
    #expect(try replica.resolve(Self.first) == .annotation(Self.first))
    #expect(replica.abbreviate(Self.first) == Self.first)
    #expect(replica.abbreviate(Self.third) == "aaaa0000b")

    try replica.deleteAnnotation(id: Self.first)
    #expect(try replica.resolve("aaaa0000aaaa") == .annotation(Self.second))
    #expect(replica.abbreviate(Self.second) == "aaaa0000a")
    #expect(try replica.resolveDeleted("aaaa0000") == .annotation(Self.first))
  }

  /// The candidates `resolve` names when it refuses `prefix` as ambiguous (empty otherwise).
  static func candidates(resolving prefix: String, in replica: Replica) -> [String] {
    do {
      _ = try replica.resolve(prefix)
    } catch {
      if case .ambiguousID(_, let candidates) = error { return candidates.sorted() }
    }
    return []
  }
}
