import Foundation
import Testing

/// Issue 12's wedge 6: a replica file copied to a second machine. Both copies share one site
/// id and make different changes under the same ids. The copy that finds out is told so, in
/// words that say what to do, and `folio rekey` gives it its own id without losing the
/// changes it had not pushed.
@Suite(.serialized) struct CopiedReplicaEndToEndTests {
  @Test func aCopiedReplicaIsDetectedAndRekeyedKeepingItsUnpushedChanges() throws {
    let team = try Team(users: ["alice", "bob"])
    let article = String(
      try team["alice"].run(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    try team["alice"].run(["sync"])
    try team["bob"].run(["sync"])
    let laptop = ReplicaProcess(store: team.folder.path("alice-laptop.sqlite"))
    try FileManager.default.copyItem(atPath: team["alice"].store, toPath: laptop.store)

    // Both copies work offline, then sync: the desktop first.
    try team["alice"].run(["note", article, "desktop note"])
    try laptop.run(["note", article, "laptop note"])
    try laptop.run(["tag", article, "+laptop"])
    let laptopBundle = team.folder.path("laptop.bundle")
    try laptop.run(["bundle", "create", laptopBundle])
    try team["alice"].run(["sync"])
    let stuck = try laptop.attempt(["sync"])
    #expect(stuck.status != 0)
    #expect(stuck.errorOutput.contains("another copy of this replica file"), "\(stuck.errorOutput)")
    #expect(stuck.errorOutput.contains("folio rekey"), "\(stuck.errorOutput)")
    // A teammate who got the desktop's changes is told what happened with the laptop's bundle.
    try team["bob"].run(["sync"])
    let refused = try team["bob"].attempt(["bundle", "apply", laptopBundle])
    #expect(refused.status != 0)
    #expect(refused.errorOutput.contains("folio rekey"), "\(refused.errorOutput)")

    let site = try Self.site(laptop)
    let rekeyed = try laptop.run(["rekey"])
    #expect(rekeyed.contains("kept"), "\(rekeyed)")
    #expect(try Self.site(laptop) != site)
    #expect(try Self.site(team["alice"]) == site)
    let synced = try laptop.attempt(["sync"])
    #expect(synced.status == 0, "\(synced.errorOutput)")
    for replica in [team["alice"], team["bob"], laptop, team["alice"]] { try replica.run(["sync"]) }
    let exports = try [team["alice"], team["bob"], laptop].map { try $0.run(["export"]) }
    #expect(Set(exports).count == 1, "the replicas' exports differ")
    for text in ["desktop note", "laptop note", "laptop"] {
      #expect(exports[0].contains(text), "\(text) is missing")
    }
    #expect(try laptop.run(["conflicts"]).contains("No conflicts"))
    // Rekeying again is harmless: nothing is unpushed, nothing moves.
    #expect(try laptop.run(["rekey"]).contains(" 0 changes"))
    try laptop.run(["sync"])
    #expect(try laptop.run(["export"]) == exports[0])
  }

  static func site(_ replica: ReplicaProcess) throws -> String {
    let status = try replica.run(["status", "--json"])
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any])
    return try #require(object["site"] as? String)
  }
}
