import ArgumentParser
import FolioServer

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// `--data PATH`, shared by every command.
struct DataOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "The server's database file.",
      discussion: """
        Default: $XDG_DATA_HOME/folio-server/server.sqlite, else
        ~/.local/share/folio-server/server.sqlite.
        """,
      valueName: "path"))
  var data: String?

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

  /// Opens the store, creating its folder when needed.
  func openStore() throws -> SQLiteChangeStore {
    let path = try resolvedPath()
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return try SQLiteChangeStore(path: path)
  }
}
