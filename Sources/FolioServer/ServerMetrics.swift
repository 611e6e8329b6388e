import Metrics

/// The server's own metrics, through swift-metrics (Prometheus at `/metrics` under
/// `folio-server serve`; nothing is recorded until a metrics system is bootstrapped). HTTP
/// request counts and latency histograms come from Hummingbird's `MetricsMiddleware`.
enum ServerMetrics {
  /// Changes stored by pushes (not counting resent ones).
  static func recordPushed(_ count: Int) {
    guard count > 0 else { return }
    Counter(label: "folio_changes_pushed_total").increment(by: count)
  }

  /// Changes sent in pull pages.
  static func recordPulled(_ count: Int) {
    guard count > 0 else { return }
    Counter(label: "folio_changes_pulled_total").increment(by: count)
  }

  /// Pulls held open waiting for news (`wait=`): live watches.
  static var openWatches: Meter { Meter(label: "folio_open_watches") }
}
