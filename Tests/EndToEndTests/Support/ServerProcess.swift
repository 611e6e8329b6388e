import Foundation
import Testing

/// A real `folio-server` on 127.0.0.1 with an ephemeral port, on its own SQLite data file or
/// on a PostgreSQL database (which several server processes may share).
final class ServerProcess {
  let folder: URL
  let dataPath: String
  /// The PostgreSQL database, when the server uses one instead of `dataPath`.
  let databaseURL: String?
  /// A name for this process's log file, to tell several servers apart.
  let name: String
  private(set) var process: Process?
  private(set) var url = ""
  /// A command the server runs under (`["/usr/bin/faketime", "-f", "+1d"]`), if any; it must
  /// run the server as its child.
  var launcher: [String] = []

  init(folder: URL, databaseURL: String? = nil, name: String = "server") throws {
    self.folder = folder
    self.databaseURL = databaseURL
    self.name = name
    dataPath = folder.appendingPathComponent("server.sqlite").path
  }

  /// The options naming the store.
  var storeArguments: [String] {
    if let databaseURL { return ["--database", databaseURL] }
    return ["--data", dataPath]
  }

  /// Runs an admin command (`space create …`, `token create …`) against the store.
  @discardableResult
  func admin(_ arguments: [String]) throws -> ProcessResult {
    try runProcess(Binaries.server, arguments + storeArguments)
  }

  func createSpace(_ name: String) throws {
    let result = try admin(["space", "create", name])
    #expect(result.status == 0, "space create failed: \(result.errorOutput)")
  }

  /// Creates a token and returns it (the last word printed).
  func createToken(space: String, user: String, readOnly: Bool = false) throws -> String {
    let result = try admin(
      ["token", "create", "--space", space, "--user", user] + (readOnly ? ["--read-only"] : []))
    #expect(result.status == 0, "token create failed: \(result.errorOutput)")
    return String(
      result.output.split(whereSeparator: { $0.isWhitespace }).last ?? "")
  }

  /// Starts the server (on `port`, or an ephemeral one) and waits for the line telling its
  /// address.
  func start(port: Int = 0) throws {
    let process = Process()
    let command =
      launcher + [Binaries.server, "serve", "--host", "127.0.0.1", "--port", String(port)]
      + storeArguments
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments = Array(command.dropFirst())
    var environment = ProcessInfo.processInfo.environment
    environment.removeValue(forKey: "FOLIO_DATABASE_URL")
    process.environment = environment
    let out = Pipe()
    process.standardOutput = out
    let log = folder.appendingPathComponent("\(name).log").path
    if !FileManager.default.fileExists(atPath: log) {
      _ = FileManager.default.createFile(atPath: log, contents: nil)
    }
    let logHandle = FileHandle(forWritingAtPath: log)
    _ = try? logHandle?.seekToEnd()
    process.standardError = logHandle ?? FileHandle.nullDevice
    try process.run()
    self.process = process
    var buffer = ""
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline {
      let data = out.fileHandleForReading.availableData
      if data.isEmpty { break }
      buffer += String(decoding: data, as: UTF8.self)
      if let line = buffer.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
        url = String(line.dropFirst("listening on ".count)).trimmingCharacters(in: .whitespaces)
        return
      }
    }
    throw ServerDidNotStart(output: buffer)
  }

  /// Stops the server: SIGTERM (graceful) or SIGKILL.
  func stop(kill: Bool = false) {
    guard let process, process.isRunning else { return }
    // A launcher does not pass signals on: signal the server under it first.
    let children =
      (try? String(
        contentsOfFile:
          "/proc/\(process.processIdentifier)/task/\(process.processIdentifier)/children",
        encoding: .utf8)) ?? ""
    for child in children.split(separator: " ").compactMap({ Int32($0) }) where !launcher.isEmpty {
      Foundation.kill(child, kill ? SIGKILL : SIGTERM)
    }
    Foundation.kill(process.processIdentifier, kill ? SIGKILL : SIGTERM)
    process.waitUntilExit()
    self.process = nil
  }

  /// The port the server listens on.
  var port: Int { Int(url.split(separator: ":").last ?? "") ?? 0 }

  deinit { stop(kill: true) }

  struct ServerDidNotStart: Error, CustomStringConvertible {
    let output: String
    var description: String { "folio-server did not print its address: \(output)" }
  }
}

/// A temporary folder for one end-to-end test, removed afterwards.
final class TestFolder {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory
      .appendingPathComponent("folio-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  deinit { try? FileManager.default.removeItem(at: url) }
}

/// A replica driven through the real `folio` executable.
struct ReplicaProcess {
  let store: String

  @discardableResult
  func run(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws
    -> String
  {
    let result = try runProcess(Binaries.folio, ["--store", store] + arguments)
    #expect(
      result.status == 0, "folio \(arguments.joined(separator: " ")) failed: \(result.errorOutput)",
      sourceLocation: sourceLocation)
    return result.output
  }

  func attempt(_ arguments: [String]) throws -> ProcessResult {
    try runProcess(Binaries.folio, ["--store", store] + arguments)
  }
}

/// The fixture article (a copy of ../shared/fixtures/articles/alibaba-ft-pla-report.txt).
enum Fixture {
  static var articlePath: String {
    URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures/alibaba-ft-pla-report.txt").path
  }
}
