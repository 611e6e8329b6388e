import FolioModel
import FolioReplica
import Foundation
import Testing

@testable import FolioSync

/// Relaying other sites' changes (brought by a bundle) that the server lacks.
struct SyncRelayTests {
  @Test func relaysWhatTheServerLacksAndSkipsASiteItRefuses() async throws {
    var bob = OtherSite(author: "bob")
    bob.write(3)
    var carol = OtherSite(author: "carol")
    carol.write(2)
    let replica = FakeReplica()
    replica.addRemote()
    replica.hold(bob)
    replica.hold(carol)
    replica.pendingRelays = ["origin"]
    let server = FakeServer()
    server.seed(bob, upTo: 1)
    // Carol's replica never synced: the server takes her site only from her own token.
    server.intercept = { request in
      request.push?.heads.map(\.site) == [carol.site]
        ? .error(403, .unregisteredSite, site: carol.site) : nil
    }

    let summary = try await server.client().sync(replica, remote: "origin")

    #expect(
      server.lines == [
        "GET changes after=0", "GET vector", "POST changes", "POST changes",
      ])
    let bobPush = try #require(server.pushes.first { $0.heads.map(\.site) == [bob.site] })
    #expect(bobPush.changes == Array(bob.changes[1...2]))
    #expect(bobPush.heads.map(\.siteChain) == [bob.head(at: 3).siteChain])
    let carolPush = try #require(server.pushes.first { $0.heads.map(\.site) == [carol.site] })
    #expect(carolPush.changes == carol.changes)
    #expect(server.stored == bob.changes)
    #expect(summary.relayed == 2)
    #expect(summary.notes.count == 1)
    #expect(
      summary.notes.first?.contains("site \(carol.site.short)'s changes (by 'carol')") == true)
    #expect(summary.notes.first?.contains("only once their own replica has synced") == true)
    #expect(replica.pendingRelays.isEmpty)
    #expect(replica.completedSyncs == ["origin"])
  }

  /// A relay that fails stays pending, so the next sync asks again.
  @Test func aFailedRelayStaysPending() async throws {
    var bob = OtherSite(author: "bob")
    bob.write(2)
    let replica = FakeReplica()
    replica.addRemote()
    replica.hold(bob)
    replica.pendingRelays = ["origin"]
    let server = FakeServer()
    server.intercept = { request in request.method == "POST" ? .error(500, .internalError) : nil }

    await #expect(throws: SyncError.self) {
      try await server.client().sync(replica, remote: "origin")
    }

    #expect(server.lines == ["GET changes after=0", "GET vector", "POST changes"])
    #expect(replica.pendingRelays == ["origin"])
    #expect(replica.completedSyncs.isEmpty)
  }

  /// Without a bundle since the last relay, a sync does not ask the server for its vector.
  @Test func noRelayIsTriedWhenNoneIsPending() async throws {
    var bob = OtherSite(author: "bob")
    bob.write(2)
    let replica = FakeReplica()
    replica.addRemote()
    replica.hold(bob)
    let server = FakeServer()

    let summary = try await server.client().sync(replica, remote: "origin")

    #expect(server.lines == ["GET changes after=0"])
    #expect(summary.relayed == 0)
    #expect(server.stored.isEmpty)
  }
}
