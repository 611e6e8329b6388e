import ArgumentParser
import FolioServer
// Foundation, not FoundationEssentials: FileHandle lives there.
import Foundation
import Logging
import Metrics
import Prometheus

/// `folio-server serve`: runs the sync server until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Run the sync server.",
    discussion: """
      Prints 'listening on http://HOST:PORT' on standard output once it accepts connections
      (with --port 0, PORT is the one the system picked). Logs go to standard error; set
      LOG_LEVEL (trace, debug, info, notice, warning, error) to change how much.
      """)

  @OptionGroup var data: DataOptions

  @Option(help: "The address to listen on.")
  var host = "127.0.0.1"

  @Option(help: "The port to listen on; 0 picks a free one.")
  var port = 8080

  func validate() throws {
    guard (0...65_535).contains(port) else {
      throw ValidationError("--port must be between 0 and 65535")
    }
  }

  func run() async throws {
    let level =
      ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
      ?? .info
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel = level
      return handler
    }
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    let logger = Logger(label: "folio-server")
    try await data.withStore(listening: true, logger: logger) { store in
      try await serve(store, metrics: registry, logger: logger)
    }
    logger.info("stopped")
  }

  private func serve(
    _ store: some ChangeStore, metrics: PrometheusCollectorRegistry, logger: Logger
  ) async throws {
    let location =
      try data.databaseURL().flatMap { try? PostgresURL($0).redacted } ?? data.resolvedPath()
    logger.info("opened store", metadata: ["store": "\(location)"])
    let app = buildApplication(
      store: store, configuration: ServerConfiguration(host: host, port: port, metrics: metrics),
      logger: logger,
      onListening: { host, port in
        let shownHost = host.contains(":") ? "[\(host)]" : host
        // FileHandle writes straight to the descriptor: nothing waits in a buffer for the
        // process that reads the port.
        FileHandle.standardOutput.write(Data("listening on http://\(shownHost):\(port)\n".utf8))
      })
    try await app.runService()
  }
}
