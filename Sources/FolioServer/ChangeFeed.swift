// Foundation, not FoundationEssentials: NSLock lives there.
import Foundation

/// Tells waiting pulls that a space gained changes. A store announces each commit that stored
/// new changes (the PostgreSQL store announces the commits of every server process on its
/// database, heard through LISTEN/NOTIFY); a long-polling pull waits here instead of polling
/// the database.
///
/// Each space has a generation number that grows with every announcement. A pull takes a
/// `ticket` *before* reading the store and waits `since` that ticket, so a commit that lands
/// between its read and its wait is not missed.
public final class ChangeFeed: @unchecked Sendable {
  // @unchecked: every stored property is read and written only while holding `lock`.
  private let lock = NSLock()
  private var generations: [String: UInt64] = [:]
  private var waiters: [UInt64: Waiter] = [:]
  private var cancelled: Set<UInt64> = []
  private var nextID: UInt64 = 0
  private var closed = false

  private struct Waiter {
    let space: String
    let continuation: CheckedContinuation<Void, Never>
  }

  /// An empty feed.
  public init() {}

  /// The current generation of `space`, to pass to `wait(for:since:timeout:)`.
  public func ticket(for space: String) -> UInt64 {
    lock.withLock { generations[space, default: 0] }
  }

  /// True once `close()` was called.
  public var isClosed: Bool {
    lock.withLock { closed }
  }

  /// How many pulls are waiting now (the `folio_open_watches` gauge).
  public var waitingCount: Int {
    lock.withLock { waiters.count }
  }

  /// Wakes every pull waiting on `space`.
  public func announce(space: String) {
    let woken = lock.withLock {
      generations[space, default: 0] &+= 1
      let ids = waiters.filter { $0.value.space == space }.map(\.key)
      return ids.compactMap { waiters.removeValue(forKey: $0)?.continuation }
    }
    for continuation in woken { continuation.resume() }
  }

  /// Wakes every waiting pull, on every space: after the feed may have missed announcements
  /// (a lost LISTEN connection), each pull reads the store again.
  public func announceAll() {
    let woken = lock.withLock {
      for space in generations.keys { generations[space, default: 0] &+= 1 }
      for waiter in waiters.values { generations[waiter.space, default: 0] &+= 1 }
      defer { waiters.removeAll() }
      return waiters.values.map(\.continuation)
    }
    for continuation in woken { continuation.resume() }
  }

  /// Wakes every waiting pull and makes later waits return at once: the server is stopping
  /// and should not hold requests open.
  public func close() {
    lock.withLock { closed = true }
    announceAll()
  }

  /// Waits until `space` moves past `ticket`, `timeout` passes, the task is cancelled or the
  /// feed closes, whichever comes first.
  public func wait(for space: String, since ticket: UInt64, timeout: Duration) async {
    await withTaskGroup(of: Void.self) { group in
      group.addTask { await self.waitForAnnouncement(space, since: ticket) }
      group.addTask { try? await Task.sleep(for: timeout) }
      await group.next()
      group.cancelAll()
    }
  }

  private func waitForAnnouncement(_ space: String, since ticket: UInt64) async {
    let id = lock.withLock {
      nextID += 1
      return nextID
    }
    await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let resumeNow = lock.withLock {
          if closed || cancelled.remove(id) != nil || generations[space, default: 0] != ticket {
            return true
          }
          waiters[id] = Waiter(space: space, continuation: continuation)
          return false
        }
        if resumeNow { continuation.resume() }
      }
    } onCancel: {
      let continuation = lock.withLock {
        guard let waiter = waiters.removeValue(forKey: id) else {
          // Not registered yet: leave a mark so registering resumes at once.
          cancelled.insert(id)
          return CheckedContinuation<Void, Never>?.none
        }
        return waiter.continuation
      }
      continuation?.resume()
    }
    // A cancellation that came after an announcement left a mark nobody will read.
    lock.withLock { _ = cancelled.remove(id) }
  }
}
