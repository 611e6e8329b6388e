import CSQLite
import Foundation

/// What a connection does while another connection (usually another process) holds the
/// write lock: it keeps retrying, and after half a second tells the user once, through the
/// handler set with `BusyWait.setNotice(_:)`, so that a second command run at the same
/// time waits visibly instead of failing with "database is locked".
public enum BusyWait {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var notice: (@Sendable () -> Void)?

  /// Sets what to run, once per connection, when a wait has lasted half a second (the
  /// command line prints "another folio command is writing; waiting…"); nil for nothing.
  public static func setNotice(_ handler: (@Sendable () -> Void)?) {
    lock.lock()
    notice = handler
    lock.unlock()
  }

  static var currentNotice: (@Sendable () -> Void)? {
    lock.lock()
    defer { lock.unlock() }
    return notice
  }
}

/// The state of one connection's waits. Only the connection's own thread touches it.
final class BusyWaiter {
  private let limit: Duration
  private var started = ContinuousClock.now
  private var announced = false

  init(limitMilliseconds: Int32) { limit = .milliseconds(Int64(limitMilliseconds)) }

  /// Called by SQLite each time the lock is still held; true to try again.
  func shouldRetry(attempt: Int32) -> Bool {
    let now = ContinuousClock.now
    if attempt == 0 { started = now }
    let waited = started.duration(to: now)
    guard waited < limit else { return false }
    if !announced && waited >= .milliseconds(500), let notice = BusyWait.currentNotice {
      announced = true
      notice()
    }
    // Short sleeps first (most locks are held for milliseconds), then 50 ms.
    usleep(attempt < 10 ? 2_000 : 50_000)
    return true
  }

  /// What SQLite's busy handler returns: 1 to retry; `context` is an unretained
  /// `BusyWaiter`.
  static func retry(_ context: UnsafeMutableRawPointer?, _ attempt: Int32) -> Int32 {
    guard let context else { return 0 }
    let waiter = Unmanaged<BusyWaiter>.fromOpaque(context).takeUnretainedValue()
    return waiter.shouldRetry(attempt: attempt) ? 1 : 0
  }
}
