import Foundation

/// Shared by the server and end-to-end tests: the PostgreSQL cluster the tests may use: `FOLIO_TEST_POSTGRES_URL`, which `script/test`
/// sets after starting a throwaway cluster. Each test gets a database of its own.
public enum TestPostgres {
  /// The URL of the cluster's admin database, or nil when the variable is not set.
  public static var adminURL: String? {
    ProcessInfo.processInfo.environment["FOLIO_TEST_POSTGRES_URL"].flatMap {
      $0.isEmpty ? nil : $0
    }
  }

  /// Why a PostgreSQL test did nothing, printed when the variable is absent.
  public static let skipReason =
    "skipped the PostgreSQL store: FOLIO_TEST_POSTGRES_URL is not set (script/test starts a throwaway cluster and sets it)"

  /// Creates an empty database and returns its URL.
  public static func createDatabase() throws -> String? {
    guard let adminURL else { return nil }
    let name = "folio_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    try psql(adminURL, "CREATE DATABASE \(name)")
    guard let slash = adminURL.range(of: "/", options: .backwards) else { return nil }
    return adminURL[..<slash.upperBound] + name
  }

  /// Drops a database made by `createDatabase`, closing its connections.
  public static func dropDatabase(url: String) {
    guard let adminURL, let name = url.split(separator: "/").last else { return }
    try? psql(adminURL, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
  }

  /// Runs one SQL command with `psql`; throws with its error output when it fails.
  public static func psql(_ url: String, _ sql: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql]
    let err = Pipe()
    process.standardError = err
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let message = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw PsqlFailed(message: String(decoding: message, as: UTF8.self))
    }
  }

  public struct PsqlFailed: Error, CustomStringConvertible {
    public let message: String
    public var description: String { "psql failed: \(message)" }
  }
}
