import Foundation
import Testing

@testable import FolioCLI

/// What running `folio` in-process produced.
struct CLIResult {
  let status: Int32
  let output: String
  let errorOutput: String
}

/// A temporary folder holding one or more replicas, removed when the test ends.
final class CLIWorkspace: Sendable {
  let folder: URL

  init() throws {
    folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("folio-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: folder) }

  /// The path of a file in the workspace.
  func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

  /// Runs `folio --store <store> ARGS` in-process, on `console` (a capturing console that
  /// is not a terminal unless told otherwise).
  func run(
    _ arguments: [String], store: String = "replica.sqlite", console: Console = .capturing()
  ) async -> CLIResult {
    let status = await Console.$current.withValue(console) {
      await Folio.run(arguments: arguments + ["--store", path(store)])
    }
    return CLIResult(status: status, output: console.output, errorOutput: console.errorOutput)
  }

  /// Runs a command that must succeed, returning its output.
  @discardableResult
  func succeed(
    _ arguments: [String], store: String = "replica.sqlite",
    sourceLocation: SourceLocation = #_sourceLocation
  ) async throws -> String {
    let result = await run(arguments, store: store)
    #expect(
      result.status == 0, "folio \(arguments.joined(separator: " ")) failed: \(result.errorOutput)",
      sourceLocation: sourceLocation)
    return result.output
  }

  /// Writes a file into the workspace.
  func write(_ name: String, _ text: String) throws -> String {
    let target = path(name)
    try text.write(toFile: target, atomically: true, encoding: .utf8)
    return target
  }

  /// Bytes of a file, to prove a failed command changed nothing.
  func bytes(_ name: String) throws -> Data {
    try Data(contentsOf: URL(fileURLWithPath: path(name)))
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
