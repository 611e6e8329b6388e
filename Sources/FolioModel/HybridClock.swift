/// A hybrid logical clock: every reading it gives is greater than every reading it has
/// given or seen, and stays close to the wall clock.
public struct HybridClock: Sendable, Equatable {
  /// How far ahead of the local wall clock a remote reading may be before it is refused.
  public static let defaultMaximumDrift: UInt64 = 5 * 60 * 1000

  /// The greatest reading given or seen so far.
  public private(set) var latest: HybridTimestamp
  public let maximumDriftMilliseconds: UInt64

  public init(
    latest: HybridTimestamp = HybridTimestamp(rawValue: 0),
    maximumDriftMilliseconds: UInt64 = HybridClock.defaultMaximumDrift
  ) {
    self.latest = latest
    self.maximumDriftMilliseconds = maximumDriftMilliseconds
  }

  /// A new reading for a local change made at wall time `now` (Unix milliseconds).
  public mutating func tick(now: UInt64) -> HybridTimestamp {
    let next: HybridTimestamp
    if now > latest.milliseconds {
      next = HybridTimestamp(milliseconds: now, counter: 0)
    } else if latest.counter < UInt16.max {
      next = HybridTimestamp(milliseconds: latest.milliseconds, counter: latest.counter + 1)
    } else {
      next = HybridTimestamp(milliseconds: latest.milliseconds + 1, counter: 0)
    }
    latest = next
    return next
  }

  /// Takes in a reading from another replica, refusing one too far in the future.
  public mutating func observe(_ remote: HybridTimestamp, now: UInt64) throws(ClockError) {
    if remote.milliseconds > now + maximumDriftMilliseconds {
      throw ClockError(remote: remote, localMilliseconds: now)
    }
    if remote > latest { latest = remote }
  }
}

/// A remote clock reading too far ahead of the local wall clock to be trusted.
public struct ClockError: Error, Sendable, Equatable, CustomStringConvertible {
  public let remote: HybridTimestamp
  public let localMilliseconds: UInt64

  public var description: String {
    let ahead = (remote.milliseconds - localMilliseconds) / 1000
    return "a change's clock is \(ahead)s ahead of this machine's clock; refusing it"
      + " (check the clock of the machine that made it)"
  }
}
