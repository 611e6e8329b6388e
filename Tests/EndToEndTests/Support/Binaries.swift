import Foundation

/// The built `folio` and `folio-server` executables, beside the test binary.
enum Binaries {
  static var folder: URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
      .deletingLastPathComponent()
  }

  static func path(_ name: String) -> String {
    // FOLIO_E2E_BINARIES runs the tests against other builds (another branch's, a release).
    if let other = ProcessInfo.processInfo.environment["FOLIO_E2E_BINARIES"], !other.isEmpty {
      return URL(fileURLWithPath: other).appendingPathComponent(name).path
    }
    var candidate = folder
    // On Linux the tests run from FolioPackageTests.xctest in the bin folder; elsewhere
    // from inside a bundle a few levels down.
    for _ in 0..<4 {
      let file = candidate.appendingPathComponent(name).path
      if FileManager.default.isExecutableFile(atPath: file) { return file }
      candidate = candidate.deletingLastPathComponent()
    }
    return folder.appendingPathComponent(name).path
  }

  static var folio: String { path("folio") }
  static var server: String { path("folio-server") }
}

/// What a finished process printed.
struct ProcessResult {
  let status: Int32
  let output: String
  let errorOutput: String
}

/// Runs an executable to completion.
@discardableResult
func runProcess(
  _ executable: String, _ arguments: [String], environment: [String: String] = [:]
) throws -> ProcessResult {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  var env = ProcessInfo.processInfo.environment
  env.removeValue(forKey: "FOLIO_STORE")
  env.removeValue(forKey: "FOLIO_TOKEN")
  env.removeValue(forKey: "FOLIO_DATABASE_URL")
  for (key, value) in environment { env[key] = value }
  process.environment = env
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  process.standardInput = FileHandle.nullDevice
  try process.run()
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  let errData = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return ProcessResult(
    status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
    errorOutput: String(decoding: errData, as: UTF8.self))
}
