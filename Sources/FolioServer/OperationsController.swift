import FolioModel
import Hummingbird
import Prometheus

/// Endpoints for operators, outside the sync protocol and without tokens:
///
/// - `GET /livez`: 200 while the process serves requests (restart it otherwise);
/// - `GET /readyz`: 200 when the store answers, 503 when it does not or the server is
///   stopping (send no traffic; do not restart);
/// - `GET /metrics`: Prometheus text format, when the server has a registry.
struct OperationsController<Store: ChangeStore, Context: RequestContext>: Sendable {
  let store: Store
  let registry: PrometheusCollectorRegistry?

  func addRoutes(to router: Router<Context>) {
    router.get("livez") { _, _ in
      try ChangesController<Store, Context>.jsonResponse(HealthResponse())
    }
    router.get("readyz") { _, context in
      do {
        guard !store.feed.isClosed else { return Self.unavailable("stopping") }
        try await store.checkReady()
        return try ChangesController<Store, Context>.jsonResponse(HealthResponse())
      } catch {
        context.logger.warning("not ready", metadata: ["error": "\(error)"])
        return Self.unavailable("the store does not answer")
      }
    }
    if let registry {
      router.get("metrics") { _, _ in
        Response(
          status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
          body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
      }
    }
  }

  private static func unavailable(_ reason: String) -> Response {
    Response(
      status: .serviceUnavailable, headers: [.contentType: "application/json; charset=utf-8"],
      body: .init(
        byteBuffer: ByteBuffer(string: "{\"reason\":\"\(reason)\",\"status\":\"unavailable\"}")))
  }
}
