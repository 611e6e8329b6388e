/// A hybrid logical clock: every reading it gives is greater than every reading it has
/// given or seen, and it never runs more than `toleranceMilliseconds` ahead of the wall clock
/// it is given (`Protocol/merge-rules.md` §3).
///
/// A reading from a machine whose clock is ahead is taken in only up to that tolerance, and a
/// reading persisted while this machine's own clock was ahead is forgotten once the wall
/// clock is put right: a wrong clock anywhere never drags this clock into the future, and the
/// change that carries a far reading is still accepted. Clocks only order concurrent values;
/// supersession is `pred`'s, so a reading below one already given orders nothing wrongly.
public struct HybridClock: Sendable, Equatable {
  /// How far ahead of the local wall clock this clock may run, in milliseconds (5 minutes).
  public static let defaultTolerance: UInt64 = 5 * 60 * 1000

  /// The greatest reading given or taken in so far (never beyond the tolerance).
  public private(set) var latest: HybridTimestamp
  /// How far ahead of the wall clock `latest` may be, in milliseconds.
  public let toleranceMilliseconds: UInt64

  /// A clock that has given or seen `latest` (as persisted).
  public init(
    latest: HybridTimestamp = HybridTimestamp(rawValue: 0),
    toleranceMilliseconds: UInt64 = HybridClock.defaultTolerance
  ) {
    self.latest = latest
    self.toleranceMilliseconds = toleranceMilliseconds
  }

  /// A new reading for a local change made at wall time `now` (Unix milliseconds).
  public mutating func tick(now: UInt64) -> HybridTimestamp {
    forgetReadingsBeyondTolerance(now: now)
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

  /// Takes in a reading from another replica at wall time `now`. Never refuses: a reading
  /// more than the tolerance ahead is taken in as the tolerance's edge.
  public mutating func observe(_ remote: HybridTimestamp, now: UInt64) {
    forgetReadingsBeyondTolerance(now: now)
    let taken = min(remote, ceiling(now: now))
    if taken > latest { latest = taken }
  }

  /// The greatest reading this clock may hold at wall time `now`.
  public func ceiling(now: UInt64) -> HybridTimestamp {
    HybridTimestamp(milliseconds: now &+ toleranceMilliseconds, counter: 0)
  }

  /// Lowers `latest` to the ceiling when the wall clock was ahead and has been put right.
  private mutating func forgetReadingsBeyondTolerance(now: UInt64) {
    let ceiling = ceiling(now: now)
    if latest > ceiling { latest = ceiling }
  }
}
