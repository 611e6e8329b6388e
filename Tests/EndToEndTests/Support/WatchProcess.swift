import Foundation

/// A `folio sync --watch` running in the background, with every line it prints and when.
final class WatchProcess: @unchecked Sendable {
  // @unchecked: `lines` is only touched while holding `condition`.
  private let process = Process()
  private let condition = NSCondition()
  private var lines: [(text: String, at: Date)] = []
  private var errorLines: [String] = []

  /// Starts watching `remote` (or the only one) of the replica at `store`.
  init(store: String, remote: String? = nil) throws {
    process.executableURL = URL(fileURLWithPath: Binaries.folio)
    process.arguments = ["--store", store, "sync", "--watch"] + (remote.map { [$0] } ?? [])
    var environment = ProcessInfo.processInfo.environment
    environment.removeValue(forKey: "FOLIO_STORE")
    environment.removeValue(forKey: "FOLIO_TOKEN")
    process.environment = environment
    process.standardInput = FileHandle.nullDevice
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    read(out.fileHandleForReading, isError: false)
    read(err.fileHandleForReading, isError: true)
    try process.run()
  }

  private func read(_ handle: FileHandle, isError: Bool) {
    let thread = Thread { [self] in
      var pending = ""
      while true {
        let data = handle.availableData
        if data.isEmpty { break }
        pending += String(decoding: data, as: UTF8.self)
        while let newline = pending.firstIndex(of: "\n") {
          let line = String(pending[..<newline])
          pending = String(pending[pending.index(after: newline)...])
          condition.lock()
          if isError { errorLines.append(line) } else { lines.append((line, Date())) }
          condition.broadcast()
          condition.unlock()
        }
      }
    }
    thread.start()
  }

  /// How many lines standard output has shown so far.
  var lineCount: Int {
    condition.lock()
    defer { condition.unlock() }
    return lines.count
  }

  /// What standard error showed.
  var errorOutput: String {
    condition.lock()
    defer { condition.unlock() }
    return errorLines.joined(separator: "\n")
  }

  /// Waits up to `timeout` for a line after the first `skip` that contains `text`; returns
  /// its index and when it was printed.
  func waitForLine(
    containing text: String, after skip: Int = 0, timeout: TimeInterval = 10
  ) -> (index: Int, at: Date)? {
    let deadline = Date().addingTimeInterval(timeout)
    condition.lock()
    defer { condition.unlock() }
    while true {
      if skip < lines.count,
        let index = lines[skip...].firstIndex(where: { $0.text.contains(text) })
      {
        return (index, lines[index].at)
      }
      guard condition.wait(until: deadline) else { return nil }
    }
  }

  /// Sends SIGINT (Ctrl-C) and waits for the process to end; returns its exit status, or nil
  /// when it did not end within `timeout` (it is then killed).
  func interrupt(timeout: TimeInterval = 10) -> Int32? {
    guard process.isRunning else { return process.terminationStatus }
    kill(process.processIdentifier, SIGINT)
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning, Date() < deadline { usleep(20_000) }
    guard !process.isRunning else {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      return nil
    }
    return process.terminationStatus
  }

  deinit {
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
  }
}
