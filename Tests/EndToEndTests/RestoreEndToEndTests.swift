import Foundation
import Testing

/// Issue 12's wedge 5: the server restored from a backup as the README says, while replicas
/// hold cursors and acknowledgements past the restored state, and others push after the
/// restore. Every replica notices at its next sync, re-reads what it must, pushes again what
/// the server lost, and all converge with no manual step.
@Suite(.serialized) struct RestoreEndToEndTests {
  @Test func afterARestoreFromBackupEveryReplicaHealsAndConverges() throws {
    let team = try Team(users: ["alice", "bob", "carol", "dave"])
    let article = String(
      try team["alice"].run(["import", Fixture.articlePath]).split(separator: " ").first ?? "")
    for user in ["alice", "bob", "carol", "dave"] { try team[user].run(["sync"]) }

    // The README's backup, taken while the server runs.
    let backup = team.folder.path("backup.sqlite")
    let dump = try runProcess(
      "/usr/bin/sqlite3", [team.server.dataPath, ".backup \(backup)"])
    #expect(dump.status == 0, "\(dump.errorOutput)")

    // Work the backup does not hold: Alice's and Bob's notes, which Carol pulls too (her
    // cursor passes the restored head).
    try team["alice"].run(["note", article, "alice before the restore"])
    try team["alice"].run(["sync"])
    try team["bob"].run(["note", article, "bob before the restore"])
    try team["bob"].run(["tag", article, "+bob"])
    try team["bob"].run(["sync"])
    try team["carol"].run(["sync"])

    // The restore: stop, put the backup in place, start on the same address.
    let port = team.server.port
    team.server.stop()
    for suffix in ["-wal", "-shm"] { unlink(team.server.dataPath + suffix) }
    try FileManager.default.removeItem(atPath: team.server.dataPath)
    try FileManager.default.copyItem(atPath: backup, toPath: team.server.dataPath)
    try team.server.start(port: port)

    // Dave, who knew nothing of the lost work, pushes first: his changes take the server
    // sequence numbers Carol's cursor already passed.
    for index in 0..<6 {
      try team["dave"].run(["note", article, "dave after the restore \(index)"])
    }
    try team["dave"].run(["sync"])
    let carolSync = try team["carol"].attempt(["sync"])
    #expect(carolSync.status == 0, "\(carolSync.errorOutput)")
    #expect(carolSync.errorOutput.contains("history changed"), "\(carolSync.errorOutput)")
    for user in ["alice", "bob", "carol", "dave", "alice", "bob", "carol", "dave"] {
      try team[user].run(["sync"])
    }
    let exports = try ["alice", "bob", "carol", "dave"].map { try team[$0].run(["export"]) }
    #expect(Set(exports).count == 1, "the replicas' exports differ")
    for text in ["alice before the restore", "bob before the restore", "dave after the restore 5"] {
      #expect(exports[0].contains(text), "\(text) is missing")
    }
    let pulledAgain = try team["carol"].run(["sync"])
    #expect(pulledAgain.contains("pulled 0, pushed 0"))
  }
}
