import CompressNIO
import FolioModel
import FolioServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Metrics
import Prometheus
import Testing

/// The test process's one Prometheus registry (swift-metrics is bootstrapped once).
enum TestMetrics {
  static let registry: PrometheusCollectorRegistry = {
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    return registry
  }()
}

@Suite("Operations endpoints and compression")
struct OperationsTests {
  @Test(arguments: StoreKind.allCases) func livenessAndReadiness(store kind: StoreKind)
    async throws
  {
    try await ServerFixture.with(kind) { fixture in
      let app = buildApplication(store: fixture.store)
      try await app.test(.router) { client in
        #expect(try await client.execute(uri: "/livez", method: .get).status == .ok)
        #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
        // A stopping server is alive but takes no new traffic.
        fixture.store.feed.close()
        #expect(try await client.execute(uri: "/livez", method: .get).status == .ok)
        let stopping = try await client.execute(uri: "/readyz", method: .get)
        #expect(stopping.status == .serviceUnavailable)
        #expect(String(buffer: stopping.body).contains("stopping"))
      }
    }
  }

  @Test func metricsCountRequestsAndChanges() async throws {
    let registry = TestMetrics.registry
    try await ServerFixture.with(.sqlite) { fixture in
      let app = buildApplication(
        store: fixture.store, configuration: ServerConfiguration(metrics: registry))
      try await app.test(.router) { client in
        let changes = makeChanges(site: TestSites.make(), count: 3)
        #expect(try await client.push(changes, token: fixture.alice).status == .ok)
        #expect(try await client.pull(token: fixture.alice).status == .ok)
        let response = try await client.execute(uri: "/metrics", method: .get)
        #expect(response.status == .ok)
        #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
        let text = String(buffer: response.body)
        for name in [
          "folio_changes_pushed_total", "folio_changes_pulled_total",
          "http_server_request_duration_bucket", "hb_requests",
        ] {
          #expect(text.contains(name), "no \(name) in /metrics")
        }
      }
    }
  }

  @Test(arguments: StoreKind.allCases) func pullsAndPushesTravelGzipped(store kind: StoreKind)
    async throws
  {
    try await withServer(store: kind) { client, fixture in
      let changes = makeChanges(site: TestSites.make(), count: 200)
      var body = ByteBuffer(bytes: PushRequest.signed(changes).encoded())
      let compressed = try body.compress(with: .gzip)
      var headers = bearer(fixture.alice)
      headers[.contentEncoding] = "gzip"
      let pushed = try await client.execute(
        uri: "/v2/spaces/team/changes", method: .post, headers: headers, body: compressed)
      #expect(try pushed.decode(PushResponse.self).accepted == 200)

      var pullHeaders = bearer(fixture.bob)
      pullHeaders[.acceptEncoding] = "br, gzip;q=0.8"
      let pulled = try await client.execute(
        uri: "/v2/spaces/team/changes", method: .get, headers: pullHeaders)
      #expect(pulled.headers[.contentEncoding] == "gzip")
      var wire = pulled.body
      let plain = try wire.decompress(with: .gzip)
      #expect(plain.readableBytes > 3 * pulled.body.readableBytes)
      let page = try PullResponse.decode([UInt8](plain.readableBytesView))
      #expect(page.changes == changes)

      // No Accept-Encoding, or gzip refused: plain JSON.
      pullHeaders[.acceptEncoding] = "gzip;q=0"
      let refused = try await client.execute(
        uri: "/v2/spaces/team/changes", method: .get, headers: pullHeaders)
      #expect(refused.headers[.contentEncoding] == nil)
      #expect(try refused.decode(PullResponse.self).changes == changes)
    }
  }

  @Test func aCorruptOrOversizedGzipBodyIsRefused() async throws {
    var limits = ServerLimits()
    limits.maximumBodyBytes = 4_096
    try await withServer(limits: limits) { client, fixture in
      var headers = bearer(fixture.alice)
      headers[.contentEncoding] = "gzip"
      let corrupt = try await client.execute(
        uri: "/v2/spaces/team/changes", method: .post, headers: headers,
        body: ByteBuffer(string: "not gzip at all"))
      expectError(corrupt, .badRequest, "bad-request")
      // 100 KB of spaces inflate far beyond the 4 KiB limit.
      var bomb = ByteBuffer(string: String(repeating: " ", count: 100_000))
      let compressed = try bomb.compress(with: .gzip)
      #expect(compressed.readableBytes < 4_096)
      let oversized = try await client.execute(
        uri: "/v2/spaces/team/changes", method: .post, headers: headers, body: compressed)
      #expect(oversized.status == .contentTooLarge)
      headers[.contentEncoding] = "br"
      let unknown = try await client.execute(
        uri: "/v2/spaces/team/changes", method: .post, headers: headers,
        body: ByteBuffer(string: "{}"))
      expectError(unknown, .badRequest, "bad-request")
      // Nothing was stored.
      #expect(try await client.pull(token: fixture.alice).decode(PullResponse.self).changes == [])
    }
  }
}
