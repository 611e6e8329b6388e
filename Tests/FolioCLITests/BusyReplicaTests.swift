import FolioSQLite
import Foundation
import Testing

@testable import FolioCLI

@Suite struct BusyReplicaTests {
  @Test func aSecondWriterWaitsAndSaysSoInsteadOfFailing() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    let other = try Connection(path: workspace.path("replica.sqlite"))
    try other.execute("BEGIN IMMEDIATE")  // another folio command, mid-write
    let console = Console.capturing()
    let writer = Task {
      await workspace.run(["note", article, "written while busy"], console: console)
    }
    // The lock is held until the writer has said it waits: it can only succeed by waiting.
    let deadline = ContinuousClock.now + .seconds(30)
    while !console.errorOutput.contains("waiting"), ContinuousClock.now < deadline {
      try await Task.sleep(for: .milliseconds(50))
    }
    #expect(console.errorOutput == "another folio command is writing; waiting…\n")
    try await Task.sleep(for: .milliseconds(500))
    try other.execute("COMMIT")
    let result = await writer.value
    #expect(result.status == 0, "\(result.errorOutput)")
    #expect(result.errorOutput == "another folio command is writing; waiting…\n")
    let shown = try await workspace.succeed(["show", article])
    #expect(shown.contains("written while busy"))
  }

  @Test func aWaitThatTimesOutSaysWhy() {
    #expect(
      Folio.explained("database is locked (in: BEGIN IMMEDIATE)")
        .contains("another folio command kept the replica busy"))
    #expect(Folio.explained("no such file") == "no such file")
  }
}
