import FolioModel

/// What a watch reports as it goes.
public enum WatchEvent: Sendable, Equatable {
  /// A sync moved changes (pulled or pushed some).
  case synced(SyncSummary)
  /// The server could not be reached, or failed; the watch tries again after `retryIn`.
  case disconnected(reason: String, retryIn: Duration)
  /// A sync succeeded again after a disconnection.
  case reconnected
}

extension SyncClient {
  /// The longest a watch waits between two attempts to reach a server that went away.
  public static let maximumBackoff = Duration.seconds(5)

  /// Keeps `replica` in sync with a remote until the task is cancelled (Ctrl-C in `folio sync
  /// --watch`).
  ///
  /// Each round is an ordinary sync whose first pull is a long poll: with nothing new, the
  /// server holds it up to `waitSeconds` and answers as soon as any server process sharing its
  /// database stores a change. A replica with unpushed changes does not wait, so they are
  /// pushed at the next round (at the latest `waitSeconds` after they were made). When the
  /// server cannot be reached or fails (5xx), the watch tries again after 0.2 s, doubling up
  /// to `maximumBackoff`; a refusal (a revoked token, say) ends it with that error.
  ///
  /// - Returns: When the task is cancelled.
  /// - Throws: `SyncError` for a refusal, or a replica error.
  public func watch(
    _ replica: some SyncReplica, remote remoteName: String, tokenOverride: String? = nil,
    waitSeconds: Int = 20, onEvent: (WatchEvent) -> Void
  ) async throws {
    var delay = Duration.milliseconds(200)
    var disconnected = false
    while !Task.isCancelled {
      do {
        guard let remote = try replica.remote(named: remoteName) else {
          throw SyncError.unknownRemote(remoteName)
        }
        let wait = try replica.unpushedCount(remote: remote) > 0 ? 0 : waitSeconds
        let summary = try await sync(
          replica, remote: remoteName, tokenOverride: tokenOverride, waitSeconds: wait)
        if disconnected { onEvent(.reconnected) }
        disconnected = false
        delay = .milliseconds(200)
        if summary.pulled > 0 || summary.pushed > 0 { onEvent(.synced(summary)) }
      } catch let error as SyncError {
        if Task.isCancelled { return }
        guard Self.isTransient(error) else { throw error }
        onEvent(.disconnected(reason: error.description, retryIn: delay))
        disconnected = true
        do { try await Task.sleep(for: delay) } catch { return }
        delay = min(delay * 2, Self.maximumBackoff)
      }
    }
  }

  /// True for failures that may pass: the server is down, restarting or overloaded.
  static func isTransient(_ error: SyncError) -> Bool {
    switch error {
    case .unreachable: return true
    case .refused(let status, _, _): return status >= 500 || status == 429
    case .badResponse: return true
    default: return false
    }
  }
}
