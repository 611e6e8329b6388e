import FolioModel

/// The limits the server enforces on requests. The defaults are the protocol's; tests lower
/// them to exercise the refusals cheaply.
public struct ServerLimits: Sendable {
  /// The largest request body read, in bytes; a larger one is refused with 413.
  public var maximumBodyBytes = SyncProtocol.maximumBodyBytes
  /// The most changes one push may carry; more are refused with 413.
  public var maximumPushChanges = SyncProtocol.maximumPushChanges
  /// How many changes a pull returns when it names no `limit`.
  public var defaultPageLimit = SyncProtocol.defaultPageLimit
  /// The most changes one pull returns.
  public var maximumPageLimit = SyncProtocol.maximumPageLimit
  /// How far ahead of the server's wall clock a change's clock may be.
  public var maximumClockSkewMilliseconds = SyncProtocol.maximumClockSkewMilliseconds
  /// Shape and size limits for each change.
  public var change = ChangeLimits.standard

  /// The protocol's limits.
  public init() {}

  /// The protocol's limits.
  public static let standard = ServerLimits()
}
