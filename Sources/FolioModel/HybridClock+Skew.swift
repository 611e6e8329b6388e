/// How far two machines' wall clocks disagree, told so that a person knows which machine to
/// look at. Folio never refuses a change for its clock; a clock off by more than the
/// tolerance only makes a sync print this warning.
public struct ClockSkew: Sendable, Equatable, CustomStringConvertible {
  /// This machine's wall clock, Unix milliseconds.
  public let localMilliseconds: UInt64
  /// The other machine's wall clock at the same moment, Unix milliseconds.
  public let remoteMilliseconds: UInt64
  /// What the other machine is called in messages ("the server").
  public let remoteName: String

  /// The skew between this machine and `remoteName`, or nil when the clocks agree within
  /// `toleranceMilliseconds`.
  public init?(
    localMilliseconds: UInt64, remoteMilliseconds: UInt64, remoteName: String = "the server",
    toleranceMilliseconds: UInt64 = HybridClock.defaultTolerance
  ) {
    let gap =
      localMilliseconds > remoteMilliseconds
      ? localMilliseconds - remoteMilliseconds : remoteMilliseconds - localMilliseconds
    guard gap > toleranceMilliseconds else { return nil }
    self.localMilliseconds = localMilliseconds
    self.remoteMilliseconds = remoteMilliseconds
    self.remoteName = remoteName
  }

  /// True when this machine's clock is the one ahead.
  public var localIsAhead: Bool { localMilliseconds > remoteMilliseconds }

  /// The gap, in milliseconds.
  public var milliseconds: UInt64 {
    localIsAhead ? localMilliseconds - remoteMilliseconds : remoteMilliseconds - localMilliseconds
  }

  /// "this machine's clock is 1 day ahead of the server's: …". The machine named first is the
  /// one whose clock is ahead, which is usually the wrong one (a clock behind is named too).
  public var description: String {
    let gap = ClockSkew.duration(milliseconds)
    let (ahead, behind) = localIsAhead ? ("this machine", remoteName) : (remoteName, "this machine")
    return "\(ahead)'s clock is \(gap) ahead of \(behind)'s: set the wrong one right"
      + " (Folio keeps syncing; the clock of changes made meanwhile is off by as much)"
  }

  /// A gap in the largest unit it holds at least once, rounded: "10 minutes", "1 day" (a
  /// `Date` header counts whole seconds, so 9 min 59.4 s is 10 minutes).
  static func duration(_ milliseconds: UInt64) -> String {
    let seconds = (milliseconds + 500) / 1000
    let units: [(UInt64, String)] = [
      (86_400, "day"), (3_600, "hour"), (60, "minute"), (1, "second"),
    ]
    for (size, name) in units where seconds + size / 60 >= size {
      let count = (seconds + size / 2) / size
      return "\(count) \(name)\(count == 1 ? "" : "s")"
    }
    return "\(milliseconds) ms"
  }
}
