import PostgresNIO

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// Where a PostgreSQL database is, read from a libpq-style URL:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|require]`.
public struct PostgresURL: Sendable, Equatable {
  /// The server's host name or address.
  public var host: String
  /// The server's port (5432 by default).
  public var port: Int
  /// The role to log in as.
  public var username: String
  /// Its password, if it needs one.
  public var password: String?
  /// The database (the user's name by default).
  public var database: String
  /// True when the connection must use TLS (`sslmode=require`).
  public var requireTLS: Bool

  /// Reads `text`; throws `StoreError.invalidDatabaseURL` saying what is wrong.
  public init(_ text: String) throws(StoreError) {
    func invalid(_ reason: String) -> StoreError {
      // The URL may hold a password: show only its scheme and host.
      StoreError(.invalidDatabaseURL, "invalid database URL: \(reason)")
    }
    guard let components = URLComponents(string: text),
      let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
    else { throw invalid("expected postgres://USER@HOST[:PORT]/DATABASE") }
    guard let host = components.host, !host.isEmpty else { throw invalid("no host") }
    guard let user = components.user, !user.isEmpty else { throw invalid("no user") }
    self.host = host
    self.port = components.port ?? 5432
    self.username = user.removingPercentEncoding ?? user
    self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
    let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : ""
    self.database = path.isEmpty ? self.username : path
    switch components.queryItems?.first(where: { $0.name == "sslmode" })?.value {
    case nil, "disable", "prefer", "allow": requireTLS = false
    case "require", "verify-ca", "verify-full": requireTLS = true
    case let mode?: throw invalid("unknown sslmode '\(mode)'")
    }
  }

  /// The URL with its password hidden, for logs and errors.
  public var redacted: String {
    "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
  }

  /// The pool's configuration.
  func clientConfiguration() -> PostgresClient.Configuration {
    PostgresClient.Configuration(
      host: host, port: port, username: username, password: password, database: database,
      tls: requireTLS ? .require(.makeClientConfiguration()) : .disable)
  }

  /// A single connection's configuration (the LISTEN connection).
  func connectionConfiguration() throws -> PostgresConnection.Configuration {
    PostgresConnection.Configuration(
      host: host, port: port, username: username, password: password, database: database,
      tls: requireTLS
        ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable)
  }
}
