import FolioModel
import FolioServer
import Foundation
import HummingbirdTesting
import Testing

/// Two stores on one PostgreSQL database stand for two server processes.
@Suite("Concurrent pushes and long polls")
struct ConcurrentStoreTests {
  /// Pushes from two "processes" at once, while a reader follows the cursor: the reader ends
  /// with every change exactly once, in server sequence order with no gaps.
  @Test func concurrentPushesNeverLetAReaderSkipAChange() async throws {
    try await ServerFixture.with(.postgres) { fixture in
      guard let url = (fixture.store as? PostgresChangeStore)?.url else { return }
      try await PostgresChangeStore.withStore(url: url) { second in
        let stores: [any ChangeStore] = [fixture.store, second]
        let writers = 6
        let batches = 15
        let perBatch = 4
        let total = writers * batches * perBatch
        let reader = Task {
          var seen: [[UInt8]] = []
          var cursor = 0
          let deadline = Date().addingTimeInterval(60)
          while seen.count < total, Date() < deadline {
            let page = try await fixture.store.changes(in: "team", after: cursor, limit: 7)
            seen += page.changes
            cursor = page.cursor
          }
          return seen
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
          for writer in 0..<writers {
            group.addTask {
              let site = TestSites.make()
              for batch in 0..<batches {
                let changes = makeChanges(site: site, from: batch * perBatch + 1, count: perBatch)
                _ = try await stores[(writer + batch) % 2].append(
                  changes.map(IncomingChange.init), heads: TestSites.heads(for: changes),
                  to: "team", by: "alice")
              }
            }
          }
          try await group.waitForAll()
        }
        let seen = try await reader.value
        #expect(seen.count == total)
        #expect(Set(seen).count == total)
        let all = try await second.changes(in: "team", after: 0, limit: total + 1)
        #expect(all.changes == seen)
        #expect(all.cursor == total)
        #expect(try await second.vector(of: "team").cursor == total)
      }
    }
  }

  /// A pull with `wait` answers as soon as a change is pushed, through another store on the
  /// same database for PostgreSQL.
  @Test(arguments: StoreKind.allCases) func aWaitingPullAnswersWhenAChangeArrives(
    store kind: StoreKind
  ) async throws {
    try await withServer(store: kind) { client, fixture in
      let started = Date()
      let empty = try await client.execute(
        uri: "/v2/spaces/team/changes?after=0&wait=1", method: .get,
        headers: bearer(fixture.alice))
      #expect(
        try empty.decode(PullResponse.self)
          == PullResponse(changes: [], heads: [], cursor: 0, more: false))
      #expect(Date().timeIntervalSince(started) >= 0.9)

      let changes = makeChanges(site: TestSites.make(), count: 2)
      async let waited = client.execute(
        uri: "/v2/spaces/team/changes?after=0&wait=60", method: .get,
        headers: bearer(fixture.bob))
      try await Task.sleep(for: .milliseconds(300))
      let pushedAt = Date()
      if kind == .postgres, let url = (fixture.store as? PostgresChangeStore)?.url {
        // Another process's commit, heard through LISTEN/NOTIFY.
        try await PostgresChangeStore.withStore(url: url) { other in
          _ = try await other.append(
            changes.map(IncomingChange.init), heads: TestSites.heads(for: changes), to: "team",
            by: "alice")
        }
      } else {
        expectOK(try await client.push(changes, token: fixture.alice))
      }
      let page = try await waited.decode(PullResponse.self)
      #expect(page.changes == changes)
      // Woken by the push, not by the end of the 60 s wait. The margin is wide because
      // blocking end-to-end tests can hold the cooperative pool for many seconds on 2 cores.
      #expect(Date().timeIntervalSince(pushedAt) < 50)
    }
  }

  @Test(arguments: StoreKind.allCases) func waitOutsideItsRangeIsRefused(store kind: StoreKind)
    async throws
  {
    try await withServer(store: kind) { client, fixture in
      for wait in ["-1", "61", "x"] {
        let response = try await client.execute(
          uri: "/v2/spaces/team/changes?wait=\(wait)", method: .get,
          headers: bearer(fixture.alice))
        expectError(response, .badRequest, "bad-request")
      }
    }
  }
}

private func expectOK(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(response.status == .ok, sourceLocation: sourceLocation)
}
