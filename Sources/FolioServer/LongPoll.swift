import ServiceLifecycle

/// Pulls that wait for news: `GET …/changes?after=N&wait=SECONDS` answers at once when
/// changes follow the cursor, and otherwise holds the request until one is committed (by any
/// server process on the database) or the wait ends, then answers with what there is.
enum LongPoll {
  /// The longest wait a pull may ask for, in seconds.
  static let maximumWaitSeconds = 60

  /// A page of `space` after `cursor`; when it would be empty, waits up to `wait` for one that
  /// is not. Returns an empty page when the wait ends or the server begins to stop.
  static func page(
    of store: some ChangeStore, in space: String, after cursor: Int, limit: Int,
    maximumBytes: Int, wait: Duration
  ) async throws -> StoredPage {
    let clock = ContinuousClock()
    let deadline = clock.now + wait
    while true {
      // The ticket is taken before reading, so a commit between the read and the wait
      // ends the wait at once.
      let ticket = store.feed.ticket(for: space)
      let page = try await store.changes(
        in: space, after: cursor, limit: limit, maximumBytes: maximumBytes)
      let left = deadline - clock.now
      guard page.changes.isEmpty, left > .zero, !store.feed.isClosed, !Task.isCancelled else {
        ServerMetrics.recordPulled(page.changes.count)
        return page
      }
      let watches = ServerMetrics.openWatches
      watches.increment()
      defer { watches.decrement() }
      await withGracefulShutdownHandler {
        await store.feed.wait(for: space, since: ticket, timeout: left)
      } onGracefulShutdown: { [feed = store.feed] in
        feed.close()
      }
    }
  }
}
