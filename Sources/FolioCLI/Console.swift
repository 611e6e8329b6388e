import Foundation

/// Where commands write. Tests swap in a capturing console with `Console.$current`.
public final class Console: @unchecked Sendable {
  // @unchecked: the buffers are only touched under `lock`.
  private let lock = NSLock()
  private var capturedOut = ""
  private var capturedErr = ""
  private let capturing: Bool
  /// Whether standard output is a terminal (colours, progress bars).
  public let isTerminal: Bool

  /// A console that writes to the process's standard output and error.
  public static let standard = Console(capturing: false, isTerminal: isatty(STDOUT_FILENO) == 1)

  /// The console commands write to in this task.
  @TaskLocal public static var current: Console = .standard

  /// A console that keeps what is written, for tests.
  public static func capturing() -> Console { Console(capturing: true, isTerminal: false) }

  private init(capturing: Bool, isTerminal: Bool) {
    self.capturing = capturing
    self.isTerminal = isTerminal
  }

  /// Writes a line to standard output.
  public func out(_ line: String = "") { write(line + "\n", error: false) }

  /// Writes a line to standard error.
  public func err(_ line: String) { write(line + "\n", error: true) }

  /// Writes text to standard error with no newline (progress bars).
  public func errRaw(_ text: String) { write(text, error: true) }

  private func write(_ text: String, error: Bool) {
    if capturing {
      lock.lock()
      if error { capturedErr += text } else { capturedOut += text }
      lock.unlock()
    } else {
      FileHandle(fileDescriptor: error ? STDERR_FILENO : STDOUT_FILENO).write(Data(text.utf8))
    }
  }

  /// What was written to standard output (capturing consoles only).
  public var output: String {
    lock.lock()
    defer { lock.unlock() }
    return capturedOut
  }

  /// What was written to standard error (capturing consoles only).
  public var errorOutput: String {
    lock.lock()
    defer { lock.unlock() }
    return capturedErr
  }
}
