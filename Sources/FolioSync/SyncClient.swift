import FolioArticles
import FolioModel
import FolioReplica
import Foundation

/// The client side of the sync protocol (see `Protocol/README.md`): pull pages of changes
/// after the remote's cursor, verifying each page's signed heads before applying it, then
/// push this replica's own changes the server has not acknowledged under a head signed for
/// each push, and relay other sites' changes a bundle brought that the server lacks. Each
/// page is its own transaction with its cursor, so a sync killed at any point loses nothing
/// and doubles nothing when run again.
public struct SyncClient {
  public var pageSize: Int
  public var pushBatchSize: Int

  /// How long one request may take before the client gives up, in seconds (a long poll gets
  /// its wait on top).
  static let requestTimeout = 60.0

  /// When request and response bodies are gzip-compressed.
  public var compression = HTTPCompression.beyondThisMachine

  /// Makes the transport of one sync from the remote's token, the request timeout in
  /// seconds and `compression`: HTTP, or a stand-in for a server in the tests.
  var makeTransport:
    (_ token: String, _ timeout: Double, _ compression: HTTPCompression) -> any SyncTransport = {
      HTTPTransport(token: $0, timeout: $1, compression: $2)
    }

  public init(
    pageSize: Int = SyncProtocol.maximumPageLimit, pushBatchSize: Int = 2_000
  ) {
    self.pageSize = pageSize
    self.pushBatchSize = pushBatchSize
  }

  /// Pulls then pushes with one remote.
  ///
  /// The replica is generic rather than `any SyncReplica`: nothing is boxed, and the
  /// compiler may specialize the client for `Replica`. Unspecialized, each requirement costs
  /// one call through a witness table, made once per page or batch, never per change.
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
    _ replica: some SyncReplica, remote remoteName: String, tokenOverride: String? = nil,
    waitSeconds: Int = 0, progress: (SyncProgress) -> Void = { _ in }
  ) async throws -> SyncSummary {
    guard let remote = try replica.remote(named: remoteName) else {
      throw SyncError.unknownRemote(remoteName)
    }
    guard replica.canSign else { throw ReplicaError.cannotSign(site: replica.site) }
    let transport = makeTransport(
      tokenOverride ?? remote.token, Self.requestTimeout + Double(waitSeconds), compression)
    var summary = SyncSummary()
    let conflictsBefore = try replica.conflictCount()
    try await pull(replica, remote, transport, waitSeconds, &summary, progress)
    try await push(replica, remote.name, transport, &summary, progress)
    try await relay(replica, remote, transport, &summary)
    try replica.recordSync(remote: remote.name)
    summary.newConflicts = max(0, try replica.conflictCount() - conflictsBefore)
    return summary
  }

  private func pull(
    _ replica: some SyncReplica, _ remote: Remote, _ transport: any SyncTransport,
    _ waitSeconds: Int, _ summary: inout SyncSummary, _ progress: (SyncProgress) -> Void
  ) async throws {
    var cursor = remote.cursor
    let checkpoint = try replica.historyCheckpoint(remote: remote.name)
    // The first page starts one change early when the checkpoint is at the cursor (and no
    // long poll is asked for, which the change at the cursor would answer at once); else the
    // checkpoint is checked on its own first.
    var checking = waitSeconds == 0 && cursor > 0 && (checkpoint?.position ?? cursor) == cursor
    var wait = waitSeconds > 0 ? "&wait=\(waitSeconds)" : ""
    if !checking, let checkpoint {
      let url = try endpoint(
        remote, "changes", query: "after=\(checkpoint.position - 1)&limit=1")
      let page = try await pullPage(url, replica, remote, transport, &summary)
      if page.changes.first?.dot != checkpoint.dot {
        try await restartHistory(replica, remote, transport, &summary)
        cursor = 0
        wait = ""
      }
    }
    // The next page is fetched (and read) on a task of its own while this one is applied:
    // the server, the network and the reader work while the replica merges.
    var ahead: (url: URL, task: Task<FetchedPage, any Error>)?
    defer { ahead?.task.cancel() }
    do {
      try await pullPages()
    } catch {
      // Nothing may still be running once the sync returns.
      if let ahead { _ = try? await ahead.task.value }
      throw error
    }

    func pullPages() async throws {
      while true {
        let url = try endpoint(
          remote, "changes",
          query: "after=\(checking ? cursor - 1 : cursor)&limit=\(pageSize)\(wait)")
        wait = ""
        let fetched: FetchedPage
        if let next = ahead {
          ahead = nil
          let value = try await next.task.value
          fetched = next.url == url ? value : try await Self.fetchPage(url, transport)
        } else {
          fetched = try await Self.fetchPage(url, transport)
        }
        let page = try acceptPage(fetched, replica, remote, &summary)
        if try await takePage(page) { return }
      }
    }

    /// Applies one page; true when it was the last.
    func takePage(_ page: PullResponse) async throws -> Bool {
      var changes = page.changes
      if checking {
        checking = false
        // A cursor an older Folio recorded has no checkpoint: only its position is checked.
        guard let first = changes.first, checkpoint.map({ first.dot == $0.dot }) ?? true else {
          try await restartHistory(replica, remote, transport, &summary)
          cursor = 0
          return false
        }
        changes.removeFirst()
      }
      let isLast = !page.more || page.cursor <= cursor
      if !isLast {
        let next = try endpoint(
          remote, "changes", query: "after=\(page.cursor)&limit=\(pageSize)")
        ahead = (next, Task { try await Self.fetchPage(next, transport) })
      }
      if !changes.isEmpty || page.cursor != cursor {
        // The whole page is verified against its heads (the checkpoint's change is held, so
        // it is skipped as a duplicate).
        let report = try applyVerified(page, replica, remote)
        summary.pulled += report.added
        summary.record(report.textChanged)
        progress(SyncProgress(phase: .pulling, done: summary.pulled, total: nil))
      }
      cursor = isLast ? cursor : page.cursor
      return isLast
    }
  }

  /// A pull page's reply, read on the task that fetched it, with the request's counts.
  private struct FetchedPage: Sendable {
    let reply: HTTPReply
    let counts: SyncSummary
    let page: Result<PullResponse, ChangeMessageError>
  }

  private static func fetchPage(
    _ url: URL, _ transport: any SyncTransport
  ) async throws(SyncError) -> FetchedPage {
    var counts = SyncSummary()
    let reply = try await transport.send("GET", url, body: nil, summary: &counts)
    let page = Result { () throws(ChangeMessageError) -> PullResponse in
      try PullResponse.decode([UInt8](reply.body))
    }
    return FetchedPage(reply: reply, counts: counts, page: page)
  }

  /// Counts a fetched page's request, notes the server's clock and checks its status.
  private func acceptPage(
    _ fetched: FetchedPage, _ replica: some SyncReplica, _ remote: Remote,
    _ summary: inout SyncSummary
  ) throws -> PullResponse {
    summary.requests += fetched.counts.requests
    summary.bytesSent += fetched.counts.bytesSent
    summary.bytesReceived += fetched.counts.bytesReceived
    noteClock(fetched.reply, replica, &summary)
    try checkStatus(fetched.reply, remote: remote, replica: replica)
    switch fetched.page {
    case .success(let page): return page
    case .failure(let error): throw SyncError.badResponse("a pull page is malformed: \(error)")
    }
  }

  /// Applies a pull page once its heads are verified; a page that fails is a broken server
  /// answer, reported as such.
  private func applyVerified(
    _ page: PullResponse, _ replica: some SyncReplica, _ remote: Remote
  ) throws -> ApplyReport {
    do {
      return try replica.applyPulled(page, remote: remote.name)
    } catch {
      if case .unverifiedChanges(let invalid) = error {
        throw SyncError.unverifiedPage(remote: remote.name, invalid)
      }
      throw error
    }
  }

  private func pullPage(
    _ url: URL, _ replica: some SyncReplica, _ remote: Remote, _ transport: any SyncTransport,
    _ summary: inout SyncSummary
  ) async throws -> PullResponse {
    try acceptPage(try await Self.fetchPage(url, transport), replica, remote, &summary)
  }

  /// The server's history is not the one the checkpoint came from (restored from a backup, or
  /// a failover to a lagging database): read it again from the start (changes held are
  /// skipped) and push again whatever of this replica's it no longer holds.
  private func restartHistory(
    _ replica: some SyncReplica, _ remote: Remote, _ transport: any SyncTransport,
    _ summary: inout SyncSummary
  ) async throws {
    let vectorReply = try await transport.send(
      "GET", try endpoint(remote, "vector", query: nil), body: nil, summary: &summary)
    let vector: VectorResponse = try decode(vectorReply, remote: remote, replica: replica)
    try replica.restartHistory(remote: remote.name, pushedSeq: vector.vector[replica.site])
    summary.historyRestarted = true
  }

  private func push(
    _ replica: some SyncReplica, _ remoteName: String, _ transport: any SyncTransport,
    _ summary: inout SyncSummary, _ progress: (SyncProgress) -> Void
  ) async throws {
    var retriedAfterGap = false
    while true {
      guard let remote = try replica.remote(named: remoteName) else { return }
      var batch = try replica.unpushedChanges(remote: remote, limit: pushBatchSize)
      guard !batch.isEmpty else { return }
      // Large changes: send what fits beside the head, the rest in the next round. A push
      // stays within a pull page's byte bound too: a page ends only where a push carried a
      // head (`Protocol/signing.md` §6), so this keeps everyone's pages near that bound.
      let room = min(
        SyncProtocol.maximumBodyBytes - Self.headRoom(author: replica.author),
        SyncProtocol.maximumPageBytes)
      batch.removeLast(batch.count - Self.prefixFittingOneBody(batch, limit: room))
      guard let last = batch.last else { return }
      let head = try replica.signedHead(at: last.seq)
      let encoded = PushRequest(changes: batch, heads: [head]).encoded()
      let total = try replica.unpushedCount(remote: remote)
      let body = Data(encoded)
      let url = try endpoint(remote, "changes", query: nil)
      let reply = try await transport.send("POST", url, body: body, summary: &summary)
      noteClock(reply, replica, &summary)
      if reply.status == 409, !retriedAfterGap, errorDetail(reply)?.code == .gap {
        // The server lost changes it had acknowledged (restored from a backup): ask what it
        // has of this site and push again from there.
        retriedAfterGap = true
        let vectorReply = try await transport.send(
          "GET", try endpoint(remote, "vector", query: nil), body: nil, summary: &summary)
        let vector: VectorResponse = try decode(vectorReply, remote: remote, replica: replica)
        try replica.resetPushed(remote: remote.name, to: vector.vector[replica.site])
        continue
      }
      if reply.status == 409, let detail = errorDetail(reply), detail.code == .conflictingChange,
        let dot = detail.change, dot.site == replica.site
      {
        // Another file with this replica's site id pushed a different change with this seq.
        throw ReplicaError.sharedSite(dot)
      }
      let response: PushResponse = try decode(reply, remote: remote, replica: replica)
      // Changes of one site are stored in seq order after its resent ones: when any was
      // new, the batch's last change is the last stored, at `cursor`.
      try replica.recordPushed(
        remote: remote.name, upTo: last.seq,
        checkpoint: response.accepted > 0
          ? HistoryCheckpoint(position: response.cursor, dot: last.dot) : nil)
      summary.pushed += response.accepted
      progress(
        SyncProgress(
          phase: .pushing, done: summary.pushed, total: summary.pushed + total - batch.count))
    }
  }

  /// After a bundle brought other sites' changes (or for a new remote), asks the server once
  /// what it holds and relays what it lacks of each site this replica holds a newer signed
  /// head of, one push per site with that head. A site the server refuses to take from this
  /// token (not bound yet, or bound to another user than its author) is skipped with a note:
  /// it reaches the server when its own replica syncs.
  private func relay(
    _ replica: some SyncReplica, _ remote: Remote, _ transport: any SyncTransport,
    _ summary: inout SyncSummary
  ) async throws {
    guard try replica.relayPending(remote: remote.name) else { return }
    let vectorReply = try await transport.send(
      "GET", try endpoint(remote, "vector", query: nil), body: nil, summary: &summary)
    let vector: VectorResponse = try decode(vectorReply, remote: remote, replica: replica)
    for head in try replica.relayHeads(beyond: vector.vector) {
      let changes = try replica.changes(notCoveredBy: vector.vector, site: head.site)
        .prefix { $0.seq <= head.seq }
      let body = PushRequest(changes: Array(changes), heads: [head]).encoded()
      guard body.count <= SyncProtocol.maximumBodyBytes,
        changes.count <= SyncProtocol.maximumPushChanges
      else {
        summary.notes.append(
          "did not relay site \(head.site.short)'s \(changes.count) changes (by"
            + " '\(head.author)'): too many for one push; they reach the server when"
            + " their own replica syncs")
        continue
      }
      let reply = try await transport.send(
        "POST", try endpoint(remote, "changes", query: nil), body: Data(body), summary: &summary)
      noteClock(reply, replica, &summary)
      if reply.status == 403, let detail = errorDetail(reply) {
        let reason: String
        switch detail.code {
        case .unregisteredSite:
          reason = "the server takes them only once their own replica has synced"
        case .siteOwned: reason = "the server binds that site to another user than '\(head.author)'"
        case .readOnly: reason = "this remote's token cannot push"
        default: reason = ""
        }
        if !reason.isEmpty {
          summary.notes.append(
            "did not relay site \(head.site.short)'s changes (by '\(head.author)'): \(reason)")
          continue
        }
      }
      let response: PushResponse = try decode(reply, remote: remote, replica: replica)
      summary.relayed += response.accepted
    }
    try replica.clearRelayPending(remote: remote.name)
  }

  /// Room to keep in a push body for its head: the largest head this replica's author can
  /// sign (its seq at its largest), with its separator.
  static func headRoom(author: String) -> Int {
    let widest = SiteChain(seq: 9_007_199_254_740_991, hash: SiteChain.empty.hash)
    return SignedHead(signing: widest, author: author, with: SiteKey()).encoded().count + 1
  }

  /// How many of `changes`, from the first, fit in one push body of at most `limit` bytes
  /// without its heads (always at least one: the largest valid change fits).
  static func prefixFittingOneBody(
    _ changes: [Change], limit: Int = SyncProtocol.maximumBodyBytes
  ) -> Int {
    var size = #"{"changes":[],"heads":[]}"#.utf8.count
    for (index, change) in changes.enumerated() {
      size += ChangeJSON.encode(change).count + (index > 0 ? 1 : 0)
      if size > limit { return max(index, 1) }
    }
    return changes.count
  }

  /// Compares the server's clock (its `Date` header) with this machine's and keeps a warning
  /// when they disagree by more than the clock's tolerance.
  private func noteClock(
    _ reply: HTTPReply, _ replica: some SyncReplica, _ summary: inout SyncSummary
  ) {
    guard summary.clockSkew == nil, let text = reply.date,
      let server = HTTPDate.milliseconds(text)
    else { return }
    summary.clockSkew = ClockSkew(
      localMilliseconds: replica.wallClockNow, remoteMilliseconds: server,
      toleranceMilliseconds: HybridClock.defaultTolerance)
  }

  private func endpoint(_ remote: Remote, _ resource: String, query: String?) throws -> URL {
    var text = "\(remote.url)\(SyncProtocol.pathPrefix)/spaces/\(remote.space)/\(resource)"
    if let query { text += "?" + query }
    guard let url = URL(string: text) else {
      throw SyncError.badResponse("remote '\(remote.name)' has an invalid URL: \(remote.url)")
    }
    return url
  }

  private func errorDetail(_ reply: HTTPReply) -> ErrorResponse.Detail? {
    (try? JSONDecoder().decode(ErrorResponse.self, from: reply.body))?.error
  }

  private func decode<T: Decodable>(
    _ reply: HTTPReply, remote: Remote, replica: some SyncReplica
  ) throws -> T {
    try checkStatus(reply, remote: remote, replica: replica)
    do {
      return try JSONDecoder().decode(T.self, from: reply.body)
    } catch {
      throw SyncError.badResponse("\(T.self) expected (HTTP \(reply.status))")
    }
  }

  private func checkStatus(_ reply: HTTPReply, remote: Remote, replica: some SyncReplica) throws {
    guard !(200..<300).contains(reply.status) else { return }
    let detail = try? JSONDecoder().decode(ErrorResponse.self, from: reply.body)
    let message = detail?.error.message ?? "HTTP \(reply.status)"
    let ownSite = detail?.error.site == replica.site
    switch (reply.status, detail?.error.code) {
    case (401, _): throw SyncError.unauthorized(remote: remote.name)
    case (410, _), (404, .notFound?):
      throw SyncError.upgradeRequired(remote: remote.name, url: remote.url, message: message)
    case (403, .unregisteredSite?) where ownSite:
      throw SyncError.unregisteredSite(remote: remote.name, author: replica.author)
    case (403, .siteOwned?) where ownSite:
      throw SyncError.siteOwned(remote: remote.name, author: replica.author, message: message)
    case (400, .invalidHead?):
      throw SyncError.invalidHead(
        remote: remote.name, rule: detail?.error.rule, site: detail?.error.site,
        ownSite: ownSite, message: message)
    case (403, _), (404, _): throw SyncError.forbidden(remote: remote.name, message: message)
    default:
      throw SyncError.refused(
        status: reply.status, code: detail?.error.code.rawValue ?? "unknown", message: message)
    }
  }
}
