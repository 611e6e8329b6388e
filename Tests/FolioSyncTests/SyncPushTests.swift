import FolioModel
import FolioReplica
import Foundation
import Testing

@testable import FolioSync

/// Pushing this replica's own changes: batches, heads, what is recorded as acknowledged, and
/// what a refusal leaves behind.
struct SyncPushTests {
  @Test func pushesUnpushedChangesInBatchesEachSignedAndRecorded() async throws {
    let replica = FakeReplica()
    replica.addRemote()
    replica.write(5)
    let server = FakeServer()
    var progress: [SyncProgress] = []
    let summary = try await server.client(pushBatchSize: 2).sync(replica, remote: "origin") {
      progress.append($0)
    }

    #expect(
      server.lines == ["GET changes after=0", "POST changes", "POST changes", "POST changes"])
    #expect(server.pushes.map { $0.changes.map(\.seq) } == [[1, 2], [3, 4], [5]])
    // One head per batch, of this site, at the batch's last seq, over its whole chain.
    #expect(server.pushes.map { $0.heads.map(\.seq) } == [[2], [4], [5]])
    #expect(server.pushes.allSatisfy { $0.heads.map(\.site) == [replica.site] })
    #expect(
      server.pushes.map { $0.heads.map(\.siteChain) }
        == [2, 4, 5].map { [try? replica.signedHead(at: $0).siteChain] })
    #expect(server.stored == replica.own)
    let dots = replica.own.map(\.dot)
    #expect(
      replica.pushRecords == [
        .init(remote: "origin", seq: 2, checkpoint: HistoryCheckpoint(position: 2, dot: dots[1])),
        .init(remote: "origin", seq: 4, checkpoint: HistoryCheckpoint(position: 4, dot: dots[3])),
        .init(remote: "origin", seq: 5, checkpoint: HistoryCheckpoint(position: 5, dot: dots[4])),
      ])
    #expect(replica.remotes["origin"]?.pushed == 5)
    #expect(summary.pushed == 5)
    #expect(summary.requests == 4)
    #expect(
      progress == [
        SyncProgress(phase: .pushing, done: 2, total: 5),
        SyncProgress(phase: .pushing, done: 4, total: 5),
        SyncProgress(phase: .pushing, done: 5, total: 5),
      ])
    #expect(replica.completedSyncs == ["origin"])
  }

  /// The server had the changes already (its answer to an earlier push was lost): they are
  /// acknowledged, but no checkpoint is taken from a push that stored nothing.
  @Test func aPushTheServerAlreadyHeldMovesNoCheckpoint() async throws {
    let replica = FakeReplica()
    replica.addRemote()
    replica.write(3)
    let server = FakeServer()
    server.seed(replica.own)
    let summary = try await server.client().sync(replica, remote: "origin")

    #expect(server.lines == ["GET changes after=0", "POST changes"])
    #expect(replica.pushRecords == [.init(remote: "origin", seq: 3, checkpoint: nil)])
    #expect(summary.pushed == 0)
    #expect(summary.pulled == 0)
    // The checkpoint is the pulled page's, at the position the server gave.
    #expect(
      replica.checkpoints["origin"] == HistoryCheckpoint(position: 3, dot: replica.own[2].dot))
    #expect(server.stored == replica.own)
  }

  /// 409 `gap`: the server lost changes it had acknowledged. The client asks what it holds,
  /// resets what it believes pushed, and pushes again from there.
  @Test func aGapIsPushedAgainFromWhatTheServerHolds() async throws {
    let replica = FakeReplica()
    replica.addRemote(pushed: 4)
    replica.write(6)
    let server = FakeServer()
    server.seed(Array(replica.own.prefix(2)))
    let summary = try await server.client().sync(replica, remote: "origin")

    #expect(server.lines == ["GET changes after=0", "POST changes", "GET vector", "POST changes"])
    #expect(server.pushes.map { $0.changes.map(\.seq) } == [[5, 6], [3, 4, 5, 6]])
    #expect(replica.resets.map(\.remote) == ["origin"])
    #expect(replica.resets.map(\.seq) == [2])
    #expect(server.stored == replica.own)
    #expect(
      replica.pushRecords == [
        .init(
          remote: "origin", seq: 6,
          checkpoint: HistoryCheckpoint(position: 6, dot: replica.own[5].dot))
      ])
    #expect(summary.pushed == 4)
  }

  /// A second gap in one sync is not retried again: the sync fails and records nothing.
  @Test func aSecondGapFailsTheSync() async throws {
    let replica = FakeReplica()
    replica.addRemote()
    replica.write(2)
    let server = FakeServer()
    server.intercept = { request in request.method == "POST" ? .error(409, .gap) : nil }
    let error = await #expect(throws: SyncError.self) {
      try await server.client().sync(replica, remote: "origin")
    }

    #expect(
      error?.description
        == SyncError.refused(status: 409, code: "gap", message: "refused (gap)").description)
    #expect(server.lines == ["GET changes after=0", "POST changes", "GET vector", "POST changes"])
    #expect(replica.pushRecords.isEmpty)
    #expect(replica.remotes["origin"]?.pushed == 0)
    #expect(replica.completedSyncs.isEmpty)
  }

  /// How the server may refuse a push, and what the client must make of it.
  enum Refusal: CaseIterable, Sendable {
    case unauthorized
    case unregisteredOwnSite
    case unregisteredOtherSite
    case siteOwned
    case readOnly
    case invalidOwnHead
    case upgradeRequired
    case serverFailed
    case conflictingOwnChange
    case conflictingOtherChange
    case notAPushAnswer

    func reply(own: SiteID, other: SiteID) -> HTTPReply {
      switch self {
      case .unauthorized: return .error(401, .unauthorized)
      case .unregisteredOwnSite: return .error(403, .unregisteredSite, site: own)
      case .unregisteredOtherSite: return .error(403, .unregisteredSite, site: other)
      case .siteOwned: return .error(403, .siteOwned, site: own)
      case .readOnly: return .error(403, .readOnly)
      case .invalidOwnHead: return .error(400, .invalidHead, site: own, rule: "H4")
      case .upgradeRequired: return .error(410, .upgradeRequired)
      case .serverFailed: return .error(500, .internalError)
      case .conflictingOwnChange:
        return .error(409, .conflictingChange, change: Dot(site: own, seq: 1))
      case .conflictingOtherChange:
        return .error(409, .conflictingChange, change: Dot(site: other, seq: 1))
      case .notAPushAnswer: return HTTPReply(status: 200, body: Data("{}".utf8))
      }
    }

    func expected(own: SiteID) -> any Error {
      switch self {
      case .unauthorized: return SyncError.unauthorized(remote: "origin")
      case .unregisteredOwnSite:
        return SyncError.unregisteredSite(remote: "origin", author: "alice")
      case .unregisteredOtherSite:
        return SyncError.forbidden(remote: "origin", message: "refused (unregistered-site)")
      case .siteOwned:
        return SyncError.siteOwned(
          remote: "origin", author: "alice", message: "refused (site-owned)")
      case .readOnly: return SyncError.forbidden(remote: "origin", message: "refused (read-only)")
      case .invalidOwnHead:
        return SyncError.invalidHead(
          remote: "origin", rule: "H4", site: own, ownSite: true, message: "refused (invalid-head)")
      case .upgradeRequired:
        return SyncError.upgradeRequired(
          remote: "origin", url: "http://server.test", message: "refused (upgrade-required)")
      case .serverFailed:
        return SyncError.refused(status: 500, code: "internal", message: "refused (internal)")
      case .conflictingOwnChange: return ReplicaError.sharedSite(Dot(site: own, seq: 1))
      case .conflictingOtherChange:
        return SyncError.refused(
          status: 409, code: "conflicting-change", message: "refused (conflicting-change)")
      case .notAPushAnswer: return SyncError.badResponse("PushResponse expected (HTTP 200)")
      }
    }
  }

  @Test(arguments: Refusal.allCases)
  func aRefusedPushFailsWithItsErrorAndRecordsNothing(_ refusal: Refusal) async throws {
    let replica = FakeReplica()
    replica.addRemote()
    replica.write(3)
    let other = SiteID.random()
    let server = FakeServer()
    server.intercept = { request in
      request.method == "POST" ? refusal.reply(own: replica.site, other: other) : nil
    }
    var thrown: (any Error)?
    do { _ = try await server.client().sync(replica, remote: "origin") } catch { thrown = error }

    let error = try #require(thrown)
    let expected = refusal.expected(own: replica.site)
    #expect(type(of: error) == type(of: expected))
    #expect("\(error)" == "\(expected)")
    #expect(server.lines == ["GET changes after=0", "POST changes"])
    #expect(replica.pushRecords.isEmpty)
    #expect(replica.remotes["origin"]?.pushed == 0)
    #expect(replica.completedSyncs.isEmpty)
  }

  @Test func noRequestIsMadeForAnUnknownRemoteOrAReplicaThatCannotSign() async throws {
    let replica = FakeReplica()
    replica.addRemote()
    replica.write(1)
    let server = FakeServer()
    let unknown = await #expect(throws: SyncError.self) {
      try await server.client().sync(replica, remote: "nowhere")
    }
    #expect(unknown?.description == SyncError.unknownRemote("nowhere").description)

    replica.canSign = false
    let unsigned = await #expect(throws: ReplicaError.self) {
      try await server.client().sync(replica, remote: "origin")
    }
    #expect(unsigned?.description == ReplicaError.cannotSign(site: replica.site).description)
    #expect(server.requests.isEmpty)
    #expect(replica.completedSyncs.isEmpty)
  }
}
