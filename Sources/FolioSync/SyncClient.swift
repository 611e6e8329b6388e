import FolioArticles
import FolioModel
import FolioReplica
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The client side of the sync protocol (see `Protocol/README.md`): pull pages of changes
/// after the remote's cursor, then push this replica's own changes the server has not
/// acknowledged. Each page is its own transaction with its cursor, so a sync killed at any
/// point loses nothing and doubles nothing when run again.
public struct SyncClient {
  public var pageSize: Int
  public var pushBatchSize: Int
  let session: URLSession

  /// How long one request may take before the client gives up, in seconds (a long poll gets
  /// its wait on top).
  static let requestTimeout = 60.0

  /// The session a client uses by default: one that never follows a redirect.
  public static var defaultSession: URLSession { HTTPTransport.refusingRedirects }

  public init(
    pageSize: Int = SyncProtocol.maximumPageLimit, pushBatchSize: Int = 2_000,
    session: URLSession = SyncClient.defaultSession
  ) {
    self.pageSize = pageSize
    self.pushBatchSize = pushBatchSize
    self.session = session
  }

  /// Pulls then pushes with one remote.
  ///
  /// - Parameters:
  ///   - replica: The local replica.
  ///   - remoteName: The remote to sync with.
  ///   - tokenOverride: A token to use instead of the stored one (`FOLIO_TOKEN`).
  ///   - waitSeconds: When the server has nothing new, how long it may hold the first pull
  ///     open waiting for a change (a long poll, for `watch`); 0 answers at once.
  ///   - progress: Called after each page.
  /// - Returns: What the sync pulled, pushed and found.
  /// - Throws: An error saying what went wrong; nothing is changed then.
  public func sync(
    _ replica: Replica, remote remoteName: String, tokenOverride: String? = nil,
    waitSeconds: Int = 0, progress: (SyncProgress) -> Void = { _ in }
  ) async throws -> SyncSummary {
    guard let remote = try replica.remote(named: remoteName) else {
      throw SyncError.unknownRemote(remoteName)
    }
    let transport = HTTPTransport(
      session: session, token: tokenOverride ?? remote.token,
      timeout: Self.requestTimeout + Double(waitSeconds))
    var summary = SyncSummary()
    let conflictsBefore = try replica.conflictCount()
    try await pull(replica, remote, transport, waitSeconds, &summary, progress)
    try await push(replica, remote.name, transport, &summary, progress)
    try replica.recordSync(remote: remote.name)
    summary.newConflicts = max(0, try replica.conflictCount() - conflictsBefore)
    return summary
  }

  private func pull(
    _ replica: Replica, _ remote: Remote, _ transport: HTTPTransport, _ waitSeconds: Int,
    _ summary: inout SyncSummary, _ progress: (SyncProgress) -> Void
  ) async throws {
    var cursor = remote.cursor
    var wait = waitSeconds > 0 ? "&wait=\(waitSeconds)" : ""
    while true {
      let url = try endpoint(
        remote, "changes", query: "after=\(cursor)&limit=\(pageSize)\(wait)")
      wait = ""
      let reply = try await transport.send("GET", url, body: nil, summary: &summary)
      try checkStatus(reply, remote: remote.name)
      let page: PullResponse
      do { page = try PullResponse.decode([UInt8](reply.body)) } catch {
        throw SyncError.badResponse("a pull page is malformed: \(error)")
      }
      if !page.changes.isEmpty || page.cursor != cursor {
        let report = try replica.applyPulled(page.changes, remote: remote.name, cursor: page.cursor)
        summary.pulled += report.added
        progress(SyncProgress(phase: .pulling, done: summary.pulled, total: nil))
      }
      guard page.more, page.cursor > cursor else { return }
      cursor = page.cursor
    }
  }

  private func push(
    _ replica: Replica, _ remoteName: String, _ transport: HTTPTransport,
    _ summary: inout SyncSummary, _ progress: (SyncProgress) -> Void
  ) async throws {
    var retriedAfterGap = false
    while true {
      guard let remote = try replica.remote(named: remoteName) else { return }
      let batch = try replica.unpushedChanges(remote: remote, limit: pushBatchSize)
      guard let last = batch.last else { return }
      let total = try replica.unpushedCount(remote: remote)
      let body = Data(PushRequest(changes: batch).encoded())
      let url = try endpoint(remote, "changes", query: nil)
      let reply = try await transport.send("POST", url, body: body, summary: &summary)
      if reply.status == 409, !retriedAfterGap, errorCode(reply) == SyncErrorCode.gap.rawValue {
        // The server lost changes it had acknowledged (restored from a backup): ask what it
        // has of this site and push again from there.
        retriedAfterGap = true
        let vectorReply = try await transport.send(
          "GET", try endpoint(remote, "vector", query: nil), body: nil, summary: &summary)
        let vector: VectorResponse = try decode(vectorReply, remote: remote.name)
        try replica.resetPushed(remote: remote.name, to: vector.vector[replica.site])
        continue
      }
      let response: PushResponse = try decode(reply, remote: remote.name)
      try replica.recordPushed(remote: remote.name, upTo: last.seq)
      summary.pushed += response.accepted
      progress(
        SyncProgress(
          phase: .pushing, done: summary.pushed, total: summary.pushed + total - batch.count))
    }
  }

  private func endpoint(_ remote: Remote, _ resource: String, query: String?) throws -> URL {
    var text = "\(remote.url)\(SyncProtocol.pathPrefix)/spaces/\(remote.space)/\(resource)"
    if let query { text += "?" + query }
    guard let url = URL(string: text) else {
      throw SyncError.badResponse("remote '\(remote.name)' has an invalid URL: \(remote.url)")
    }
    return url
  }

  private func errorCode(_ reply: HTTPReply) -> String? {
    (try? JSONDecoder().decode(ErrorResponse.self, from: reply.body))?.error.code.rawValue
  }

  private func decode<T: Decodable>(_ reply: HTTPReply, remote: String) throws -> T {
    try checkStatus(reply, remote: remote)
    do {
      return try JSONDecoder().decode(T.self, from: reply.body)
    } catch {
      throw SyncError.badResponse("\(T.self) expected (HTTP \(reply.status))")
    }
  }

  private func checkStatus(_ reply: HTTPReply, remote: String) throws {
    guard (200..<300).contains(reply.status) else {
      let detail = try? JSONDecoder().decode(ErrorResponse.self, from: reply.body)
      let message = detail?.error.message ?? "HTTP \(reply.status)"
      switch reply.status {
      case 401: throw SyncError.unauthorized(remote: remote)
      case 403, 404: throw SyncError.forbidden(remote: remote, message: message)
      default:
        throw SyncError.refused(
          status: reply.status, code: detail?.error.code.rawValue ?? "unknown", message: message)
      }
    }
  }
}
