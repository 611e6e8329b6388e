import FolioModel
import FolioReplica
import Foundation
import Testing

@testable import FolioSync

/// Pulling: pages handed to the replica with their heads and cursors, the checkpoint check,
/// a history that went back, and a page whose heads do not hold.
struct SyncPullTests {
  /// Another site's five changes on a server that pages two at a time.
  private static func serverWithFiveChanges() -> (FakeServer, OtherSite) {
    var bob = OtherSite(author: "bob")
    bob.write(5)
    let server = FakeServer()
    for seq in [2, 4, 5] { server.seed(bob, upTo: seq) }
    return (server, bob)
  }

  @Test func eachPageIsAppliedWithItsHeadsAndCursor() async throws {
    let (server, bob) = Self.serverWithFiveChanges()
    let replica = FakeReplica()
    replica.addRemote()
    var progress: [SyncProgress] = []
    let summary = try await server.client(pageSize: 2).sync(replica, remote: "origin") {
      progress.append($0)
    }

    #expect(
      server.lines == ["GET changes after=0", "GET changes after=2", "GET changes after=4"])
    #expect(server.requests.allSatisfy { $0.query["limit"] == "2" && $0.query["wait"] == nil })
    #expect(
      replica.applied.map(\.changes) == [[0, 1], [2, 3], [4]].map { $0.map { bob.changes[$0] } })
    #expect(replica.applied.map(\.cursor) == [2, 4, 5])
    #expect(replica.applied.allSatisfy { $0.remote == "origin" })
    #expect(
      replica.applied.map { $0.heads.map(\.siteChain) }
        == [2, 4, 5].map { [bob.head(at: $0).siteChain] })
    #expect(summary.pulled == 5)
    #expect(progress.map(\.done) == [2, 4, 5])
    #expect(progress.allSatisfy { $0.phase == .pulling && $0.total == nil })
    #expect(replica.remotes["origin"]?.cursor == 5)
    #expect(
      replica.checkpoints["origin"] == HistoryCheckpoint(position: 5, dot: bob.changes[4].dot))
  }

  /// The next sync reads from one change before its cursor to check that the server still
  /// holds the checkpoint's change there, and applies nothing it already has.
  @Test func theNextSyncChecksTheCheckpointAndAppliesNothingTwice() async throws {
    let (server, _) = Self.serverWithFiveChanges()
    let replica = FakeReplica()
    replica.addRemote()
    let client = server.client(pageSize: 2)
    _ = try await client.sync(replica, remote: "origin")
    let appliedBefore = replica.applied.count
    let requestsBefore = server.requests.count

    let summary = try await client.sync(replica, remote: "origin")

    #expect(server.lines.dropFirst(requestsBefore) == ["GET changes after=4"])
    #expect(replica.applied.count == appliedBefore)
    #expect(summary.pulled == 0)
    #expect(!summary.historyRestarted)
    #expect(replica.restarts.isEmpty)
  }

  /// The server was restored from a backup: the change at the checkpoint is gone. The client
  /// reads the history again from the start and pushes again what the server lost.
  @Test func aHistoryThatWentBackIsReadAgainAndRepushed() async throws {
    var bob = OtherSite(author: "bob")
    bob.write(2)
    var carol = OtherSite(author: "carol")
    carol.write(1)
    // Before the restore the server held bob 1, this replica's 1, bob 2 (cursor 3); after
    // it, bob 1 only, then carol pushed.
    let replica = FakeReplica()
    replica.write(1)
    replica.hold(bob)
    replica.addRemote(cursor: 3, pushed: 1)
    replica.checkpoints["origin"] = HistoryCheckpoint(position: 3, dot: bob.changes[1].dot)
    let server = FakeServer()
    server.seed(bob, upTo: 1)
    server.seed(carol)

    let summary = try await server.client().sync(replica, remote: "origin")

    #expect(
      server.lines == ["GET changes after=2", "GET vector", "GET changes after=0", "POST changes"])
    #expect(summary.historyRestarted)
    #expect(replica.restarts.map(\.remote) == ["origin"])
    #expect(replica.restarts.map(\.pushedSeq) == [0])
    #expect(replica.applied.map(\.changes) == [[bob.changes[0], carol.changes[0]]])
    #expect(summary.pulled == 1)
    #expect(server.pushes.map(\.changes) == [replica.own])
    #expect(server.stored == [bob.changes[0], carol.changes[0], replica.own[0]])
    #expect(replica.remotes["origin"]?.cursor == 2)
    #expect(replica.remotes["origin"]?.pushed == 1)
  }

  @Test func aPageWhoseHeadsDoNotHoldFailsTheSyncBeforeAnyPush() async throws {
    let (server, bob) = Self.serverWithFiveChanges()
    let replica = FakeReplica()
    replica.addRemote()
    replica.write(1)
    let invalid = InvalidHead(rule: .chain, site: bob.site, reason: "the chain differs")
    replica.refuseHeads = invalid

    let error = await #expect(throws: SyncError.self) {
      try await server.client().sync(replica, remote: "origin")
    }

    #expect(
      error?.description == SyncError.unverifiedPage(remote: "origin", invalid).description)
    #expect(server.lines == ["GET changes after=0"])
    #expect(replica.remotes["origin"]?.cursor == 0)
    #expect(replica.pushRecords.isEmpty)
    #expect(replica.completedSyncs.isEmpty)
  }

  /// The next page is asked for before a page is applied; when that page is refused, the
  /// request made ahead has ended before the sync returns, and nothing of it is applied.
  @Test func thePageFetchedAheadEndsBeforeARefusedSyncReturns() async throws {
    let (server, bob) = Self.serverWithFiveChanges()
    let replica = FakeReplica()
    replica.addRemote()
    replica.refuseHeads = InvalidHead(rule: .chain, site: bob.site, reason: "the chain differs")

    await #expect(throws: SyncError.self) {
      try await server.client(pageSize: 2).sync(replica, remote: "origin")
    }

    #expect(server.lines == ["GET changes after=0", "GET changes after=2"])
    #expect(replica.applied.isEmpty)
    #expect(replica.remotes["origin"]?.cursor == 0)
  }

  @Test func aMalformedPageIsABadResponse() async throws {
    let replica = FakeReplica()
    replica.addRemote()
    let server = FakeServer()
    server.intercept = { _ in HTTPReply(status: 200, body: Data(#"{"changes":[]}"#.utf8)) }

    let error = await #expect(throws: SyncError.self) {
      try await server.client().sync(replica, remote: "origin")
    }

    guard case .badResponse(let reason) = error else {
      Issue.record("expected badResponse, got \(String(describing: error))")
      return
    }
    #expect(reason.hasPrefix("a pull page is malformed"))
    #expect(replica.applied.isEmpty)
  }
}
