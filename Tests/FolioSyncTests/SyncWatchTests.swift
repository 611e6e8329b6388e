import FolioModel
import FolioReplica
import Foundation
import Testing

@testable import FolioSync

/// `SyncClient.watch`: what ends it, what it retries, and when it long-polls. A watch runs
/// until its task is cancelled, so each test runs it in a task of its own that the test
/// cancels from inside (from an event or a request) once it has seen what it checks.
struct SyncWatchTests {
  @Test func aRefusalEndsTheWatchWithItsError() async throws {
    let replica = FakeReplica()
    replica.addRemote()
    let server = FakeServer()
    server.intercept = { _ in .error(401, .unauthorized) }
    var events: [WatchEvent] = []

    let error = await #expect(throws: SyncError.self) {
      try await server.client().watch(replica, remote: "origin", waitSeconds: 1) {
        events.append($0)
      }
    }

    #expect(error?.description == SyncError.unauthorized(remote: "origin").description)
    #expect(events.isEmpty)
    #expect(server.requests.count == 1)
  }

  @Test func anUnreachableServerIsRetriedWithBackoffUntilItAnswers() async throws {
    let unreachable = SyncError.unreachable(url: "http://server.test", reason: "refused")
    let task = Task { () throws -> ([WatchEvent], [String], Int) in
      let replica = FakeReplica()
      replica.addRemote()
      replica.write(1)
      let server = FakeServer()
      var failures = 2
      server.intercept = { _ throws(SyncError) in
        guard failures > 0 else { return nil }
        failures -= 1
        throw unreachable
      }
      var events: [WatchEvent] = []
      try await server.client().watch(replica, remote: "origin", waitSeconds: 1) { event in
        events.append(event)
        if case .synced = event { withUnsafeCurrentTask { $0?.cancel() } }
      }
      return (events, server.lines, replica.remotes["origin"]?.pushed ?? -1)
    }
    let (events, lines, pushed) = try await task.value

    #expect(events.count == 4)
    #expect(
      Array(events.prefix(3)) == [
        .disconnected(reason: unreachable.description, retryIn: .milliseconds(200)),
        .disconnected(reason: unreachable.description, retryIn: .milliseconds(400)),
        .reconnected,
      ])
    guard case .synced(let summary) = events.last else {
      Issue.record("the last event is not a sync: \(events)")
      return
    }
    #expect(summary.pushed == 1)
    #expect(pushed == 1)
    #expect(
      lines == [
        "GET changes after=0", "GET changes after=0", "GET changes after=0", "POST changes",
      ])
  }

  /// A round with changes to push asks without waiting; a round with none long-polls, its
  /// requests' timeout lengthened by the wait. The token given replaces the remote's.
  @Test func onlyARoundWithNothingToPushLongPolls() async throws {
    let task = Task { () throws -> ([SentRequest], [WatchEvent]) in
      let replica = FakeReplica()
      replica.addRemote(token: "stored")
      replica.write(1)
      let server = FakeServer()
      server.intercept = { request in
        if request.query["wait"] != nil { withUnsafeCurrentTask { $0?.cancel() } }
        return nil
      }
      var events: [WatchEvent] = []
      try await server.client().watch(
        replica, remote: "origin", tokenOverride: "given", waitSeconds: 7
      ) { events.append($0) }
      return (server.requests, events)
    }
    let (requests, events) = try await task.value

    let first = try #require(requests.first)
    #expect(first.line == "GET changes after=0")
    #expect(first.query["wait"] == nil)
    #expect(first.timeout == SyncClient.requestTimeout)
    #expect(requests.filter { $0.query["wait"] != nil }.count == 1)
    let poll = try #require(requests.last)
    #expect(poll.query["wait"] == "7")
    #expect(poll.timeout == SyncClient.requestTimeout + 7)
    // The push went in the first round, before any long poll.
    #expect(requests.firstIndex { $0.method == "POST" } == 1)
    #expect(requests.allSatisfy { $0.token == "given" })
    #expect(events.count == 1)
  }
}
