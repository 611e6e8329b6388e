import FolioModel
import Hummingbird
import HummingbirdCore
import Logging
import Prometheus

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// How to run the sync server.
public struct ServerConfiguration: Sendable {
  /// The address to listen on.
  public var host: String
  /// The port to listen on; 0 picks a free one (see `buildApplication`'s `onListening`).
  public var port: Int
  /// The request limits.
  public var limits: ServerLimits
  /// The server's wall clock in Unix milliseconds, against which change clocks are checked.
  public var wallClock: @Sendable () -> UInt64
  /// Where `GET /metrics` reads; nil serves no `/metrics`. The caller bootstraps
  /// swift-metrics with a `PrometheusMetricsFactory` on the same registry.
  public var metrics: PrometheusCollectorRegistry?

  /// A configuration; by default 127.0.0.1:8080 with the protocol's limits.
  public init(
    host: String = "127.0.0.1", port: Int = 8080, limits: ServerLimits = .standard,
    wallClock: @escaping @Sendable () -> UInt64 = ServerConfiguration.systemMilliseconds,
    metrics: PrometheusCollectorRegistry? = nil
  ) {
    self.metrics = metrics
    self.host = host
    self.port = port
    self.limits = limits
    self.wallClock = wallClock
  }

  /// The system clock in Unix milliseconds.
  @Sendable public static func systemMilliseconds() -> UInt64 {
    UInt64(max(0, Date().timeIntervalSince1970 * 1_000))
  }
}

/// The router of the sync protocol (`GET /v2/health` and, per space, pull, push and vector;
/// 410 `upgrade-required` for anything under `/v1`) and of the operators' endpoints
/// (`/livez`, `/readyz`, `/metrics`).
///
/// - Parameters:
///   - store: Where spaces, tokens and changes are kept.
///   - configuration: Limits and clock (host and port are not used here).
///   - context: The request context type.
/// - Returns: A router with the protocol's routes and its error handling.
public func buildRouter<Store: ChangeStore, Context: RequestContext>(
  store: Store, configuration: ServerConfiguration = ServerConfiguration(),
  context: Context.Type = BasicRequestContext.self
) -> Router<Context> {
  let router = Router(context: Context.self)
  router.add(middleware: LogRequestsMiddleware(.debug))
  router.add(middleware: MetricsMiddleware())
  router.add(middleware: SyncErrorMiddleware(limits: configuration.limits))
  router.add(middleware: RetiredVersionMiddleware())
  router.add(middleware: MethodNotAllowedMiddleware())
  router.add(middleware: CompressionMiddleware(limits: configuration.limits))
  let current = router.group(RouterPath(SyncProtocol.pathPrefix))
  current.get("health") { _, _ in
    try ChangesController<Store, Context>.jsonResponse(HealthResponse())
  }
  ChangesController<Store, Context>(
    store: store, limits: configuration.limits, wallClock: configuration.wallClock
  ).addRoutes(to: current.group("spaces"))
  OperationsController<Store, Context>(store: store, registry: configuration.metrics)
    .addRoutes(to: router)
  return router
}

/// The sync server as a Hummingbird application. Run it with `runService()` (which stops
/// gracefully on SIGTERM and SIGINT), or test it in process with HummingbirdTesting's
/// `app.test(.router)` or `app.test(.live)`.
///
/// - Parameters:
///   - store: Where spaces, tokens and changes are kept.
///   - configuration: Address, port, limits and clock.
///   - logger: Where the server logs; tokens are never logged.
///   - onListening: Called once the server listens, with the host and the bound port (the
///     real one when `configuration.port` is 0).
/// - Returns: The application, not yet running.
public func buildApplication<Store: ChangeStore>(
  store: Store, configuration: ServerConfiguration = ServerConfiguration(),
  logger: Logger = Logger(label: "folio-server"),
  onListening: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in }
) -> some ApplicationProtocol {
  let host = configuration.host
  let bodyLimit = configuration.limits.maximumBodyBytes
  let timeouts = configuration.limits.timeouts
  let server = HTTPServerBuilder { responder in
    TimedHTTP1Channel(
      inner: HTTP1Channel(
        responder: responder,
        configuration: .init(additionalChannelHandlers: [
          RequestTimeoutHandler(limits: timeouts), BodySizeLimitHandler(limit: bodyLimit),
        ])))
  }
  return Application(
    router: buildRouter(store: store, configuration: configuration),
    server: server,
    configuration: ApplicationConfiguration(
      address: .hostname(host, port: configuration.port), serverName: "folio-server"),
    onServerRunning: { channel in
      await onListening(host, channel.localAddress?.port ?? configuration.port)
    },
    logger: logger)
}
