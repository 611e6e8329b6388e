import FolioModel
import Foundation
import Testing

@testable import FolioReplica

/// `Replica.rekey`: a copied replica file gets its own site id and keeps, under it, the
/// changes no remote acknowledged.
@Suite struct RekeyTests {
  let old = SiteID.random()
  let new = SiteID.random()
  let other = SiteID.random()

  func change(
    _ seq: Int, field: String = "note", value: JSONValue = .string("x"), pred: [Dot] = [],
    context: VersionVector? = nil
  ) -> Change {
    Change(
      site: old, seq: seq,
      hlc: HybridTimestamp(milliseconds: 1_700_000_000_000 + UInt64(seq), counter: 0),
      author: "alice", entity: EntityRef(kind: .annotation, id: "n1"), field: field, op: .set,
      value: value, pred: pred, context: context)
  }

  @Test func movedChangesKeepTheirContentAndPointAtTheirNewIds() {
    let first = change(3, pred: [Dot(site: old, seq: 2)])
    let second = change(4, pred: [Dot(site: old, seq: 3), Dot(site: other, seq: 1)])
    let delete = change(
      5, field: "deleted", value: .bool(true), pred: [Dot(site: old, seq: 4)],
      context: VersionVector([old: 4, other: 2]))
    let moved = Replica.moved([first, second, delete], from: old, to: new, keeping: 2)
    #expect(moved.map(\.dot) == (1...3).map { Dot(site: new, seq: $0) })
    #expect(moved.map(\.hlc) == [first, second, delete].map(\.hlc))
    #expect(moved.map(\.value) == [first, second, delete].map(\.value))
    #expect(moved[0].pred == [Dot(site: old, seq: 2)], "a kept change keeps its id")
    #expect(moved[1].pred == [Dot(site: new, seq: 1), Dot(site: other, seq: 1)])
    // The context covered old 1…4: old 1…2 were kept, old 3…4 are now new 1…2.
    #expect(moved[2].context == VersionVector([old: 2, new: 2, other: 2]))
    for change in moved { #expect((try? change.validate()) != nil) }
  }

  @Test func rekeyMovesOnlyWhatNoRemoteAcknowledgedAndKeepsTheState() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("r.folio")
    let oldSite: SiteID
    let acknowledged: Int
    let before: Data
    do {
      let replica = try Replica.create(at: path, author: "alice")
      oldSite = replica.site
      let imported = try replica.importArticles([sampleArticle("Kept")])
      try replica.addRemote(
        name: "team", url: "http://127.0.0.1:1", space: "s", token: "fol_t")
      acknowledged = try replica.changeCount()
      try replica.recordPushed(remote: "team", upTo: acknowledged)
      let note = try replica.addNote(articleID: imported[0].id, text: "not pushed")
      try replica.editAnnotation(id: note.id, note: "edited, not pushed")
      before = try canonicalExport(replica)
    }
    let report = try Replica.rekey(at: path)
    #expect(report.oldSite == oldSite)
    #expect(report.newSite != oldSite)
    let reopened = try Replica.open(at: path)
    #expect(reopened.site == report.newSite)
    #expect(try canonicalExport(reopened) == before)
    let vector = try reopened.versionVector()
    #expect(vector[oldSite] == acknowledged)
    #expect(vector[report.newSite] == report.movedChanges)
    #expect(report.movedChanges > 0)
    let remote = try #require(try reopened.remote(named: "team"))
    #expect(remote.cursor == 0 && remote.pushed == 0 && remote.token == "fol_t")
    #expect(try reopened.unpushedChanges(remote: remote, limit: 100).count == report.movedChanges)
    // The next local change follows the moved ones.
    try reopened.editAnnotation(
      id: try #require(try reopened.export().articles.first?.annotations.first?.id), note: "after")
    #expect(try reopened.versionVector()[report.newSite] == report.movedChanges + 1)
    #expect(!FileManager.default.fileExists(atPath: path + ".rekey"))
  }
}
