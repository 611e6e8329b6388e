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
  /// The most bytes of changes (their canonical JSON) one pull page holds; a page always
  /// holds at least one change, however large.
  public var maximumPageBytes = SyncProtocol.maximumPageBytes
  /// How far ahead of the server's wall clock a change's clock may be.
  public var maximumClockSkewMilliseconds = SyncProtocol.maximumClockSkewMilliseconds
  /// Shape and size limits for each change.
  public var change = ChangeLimits.standard
  /// How long a connection may wait for each part of a request.
  public var timeouts = Timeouts()

  /// A connection's time limits (see `RequestTimeoutHandler`); past one, it is closed.
  public struct Timeouts: Sendable {
    /// Between requests: from the connection's opening or the last answer to a first byte.
    public var idle: Duration = .seconds(60)
    /// From a request's first byte to the end of its head.
    public var header: Duration = .seconds(10)
    /// From a request's head to the end of its body (8 MiB needs 140 KB/s).
    public var body: Duration = .seconds(60)

    /// The server's defaults.
    public init() {}
  }

  /// The protocol's limits.
  public init() {}

  /// The protocol's limits.
  public static let standard = ServerLimits()
}
