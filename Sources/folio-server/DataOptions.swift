import ArgumentParser
import FolioServer
import Logging

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// `--data PATH` or `--database URL`, shared by every command: where the server keeps its
/// spaces, tokens and changes.
struct DataOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "The server's SQLite database file.",
      discussion: """
        Default: $XDG_DATA_HOME/folio-server/server.sqlite, else
        ~/.local/share/folio-server/server.sqlite.
        """,
      valueName: "path"))
  var data: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "A PostgreSQL database instead of the SQLite file (default: $FOLIO_DATABASE_URL).",
      discussion: "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=require]",
      valueName: "url"))
  var database: String?

  func validate() throws {
    if data != nil, database != nil {
      throw ValidationError("give either --data PATH or --database URL, not both")
    }
  }

  /// The PostgreSQL URL to use, if any: `--database`, else `FOLIO_DATABASE_URL` unless
  /// `--data` was given.
  func databaseURL(environment: [String: String] = ProcessInfo.processInfo.environment)
    -> String?
  {
    if let database { return database }
    guard data == nil, let url = environment["FOLIO_DATABASE_URL"], !url.isEmpty else {
      return nil
    }
    return url
  }

  /// The database file to use.
  func resolvedPath(environment: [String: String] = ProcessInfo.processInfo.environment) throws
    -> String
  {
    if let data { return data }
    if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
      return xdg + "/folio-server/server.sqlite"
    }
    guard let home = environment["HOME"], !home.isEmpty else {
      throw ValidationError("HOME is not set; give the database file with --data PATH")
    }
    return home + "/.local/share/folio-server/server.sqlite"
  }

  /// Runs `body` with the store the options name (its schema brought up to date), then
  /// closes it.
  ///
  /// - Parameters:
  ///   - listening: Whether a PostgreSQL store hears other processes' pushes (`serve` does;
  ///     administration commands do not need to).
  ///   - logger: Where the store logs.
  ///   - body: What to do with the store.
  /// - Returns: What `body` returned.
  /// - Throws: When the store cannot be opened, or what `body` threw.
  func withStore<T: Sendable>(
    listening: Bool = false, logger: Logger = Logger(label: "folio-server"),
    _ body: (any ChangeStore) async throws -> T
  ) async throws -> T {
    if let text = databaseURL() {
      let url = try PostgresURL(text)
      return try await PostgresChangeStore.withStore(
        url: url, listening: listening, logger: logger
      ) { store in
        try await body(store)
      }
    }
    let path = try resolvedPath()
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
    // Only the server's user may list or open its files (the tokens' hashes are in there).
    try FileManager.default.createDirectory(
      at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    return try await body(try SQLiteChangeStore(path: path, logger: logger))
  }
}
