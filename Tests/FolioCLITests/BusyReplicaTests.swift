import FolioSQLite
import Foundation
import Testing

@testable import FolioCLI

@Suite struct BusyReplicaTests {
  @Test func aSecondWriterWaitsAndSaysSoInsteadOfFailing() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    let other = try Connection(path: workspace.path("replica.sqlite"))
    try other.execute("BEGIN IMMEDIATE")  // another folio command, mid-write
    let writer = Task { await workspace.run(["note", article, "written while busy"]) }
    try await Task.sleep(for: .milliseconds(1_500))
    try other.execute("COMMIT")
    let result = await writer.value
    #expect(result.status == 0, "\(result.errorOutput)")
    #expect(result.errorOutput.contains("another folio command is writing; waiting…"))
    #expect(result.errorOutput.components(separatedBy: "waiting").count == 2)
    let shown = try await workspace.succeed(["show", article])
    #expect(shown.contains("written while busy"))
  }
}
