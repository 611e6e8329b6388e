import FolioSQLite
import Foundation
import Testing

@testable import FolioCLI

@Suite struct BusyReplicaTests {
  @Test func aSecondWriterWaitsAndSaysSoInsteadOfFailing() async throws {
    let (workspace, article) = try await workspaceWithFixture()
    let console = Console.capturing()
    // Another folio command, mid-write, on its own thread: the lock is held until the writer
    // has said it waits, so it can only succeed by waiting. (A thread, not a task: the
    // waiting writer blocks a thread of the small cooperative pool.)
    let holder = try LockHolder(path: workspace.path("replica.sqlite"))
    let released = holder.release(whenOutputOf: console, contains: "waiting")
    let result = await workspace.run(["note", article, "written while busy"], console: console)
    #expect(released.wait(timeout: .now() + 60) == .success)
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

/// Holds a replica's write lock from a second connection and releases it from a thread of
/// its own once a console says something.
private final class LockHolder: @unchecked Sendable {
  // Safe to share: the connection is used only by the releasing thread after `init`.
  private let connection: Connection

  init(path: String) throws {
    connection = try Connection(path: path)
    try connection.execute("BEGIN IMMEDIATE")
  }

  /// Commits half a second after `console`'s error output contains `text` (or after 30 s).
  func release(whenOutputOf console: Console, contains text: String) -> DispatchSemaphore {
    let done = DispatchSemaphore(value: 0)
    Thread.detachNewThread { [self] in
      let deadline = Date().addingTimeInterval(30)
      while !console.errorOutput.contains(text), Date() < deadline { usleep(50_000) }
      usleep(500_000)
      try? connection.execute("COMMIT")
      done.signal()
    }
    return done
  }
}
