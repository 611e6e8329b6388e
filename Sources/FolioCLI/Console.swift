import Foundation

/// Where commands write. Tests swap in a capturing console with `Console.$current`.
public final class Console: @unchecked Sendable {
  // @unchecked: the buffers are only touched under `lock`.
  private let lock = NSLock()
  private var capturedOut = ""
  private var capturedErr = ""
  private let capturing: Bool
  /// Whether standard output is a terminal (colours, progress bars, the pager).
  public let isTerminal: Bool
  /// Columns to wrap long text to: the terminal's width, else `$COLUMNS` when set; nil
  /// (no wrapping) when writing to a file or a pipe.
  public let width: Int?

  /// A console that writes to the process's standard output and error.
  public static let standard: Console = {
    let isTerminal = isatty(STDOUT_FILENO) == 1
    return Console(
      capturing: false, isTerminal: isTerminal,
      width: terminalWidth(isTerminal: isTerminal, environment: ProcessInfo.processInfo.environment)
    )
  }()

  /// The console commands write to in this task.
  @TaskLocal public static var current: Console = .standard

  /// A console that keeps what is written, for tests.
  ///
  /// - Parameters:
  ///   - isTerminal: Whether commands should behave as on a terminal (colour with
  ///     `--color auto`); the pager never runs on a capturing console.
  ///   - width: The width to wrap to, as a terminal's would be.
  /// - Returns: A console whose `output` and `errorOutput` hold what was written.
  public static func capturing(isTerminal: Bool = false, width: Int? = nil) -> Console {
    Console(capturing: true, isTerminal: isTerminal, width: width)
  }

  private init(capturing: Bool, isTerminal: Bool, width: Int?) {
    self.capturing = capturing
    self.isTerminal = isTerminal
    self.width = width
  }

  /// Whether this console writes to the real standard output (so a pager may take over).
  var isStandard: Bool { !capturing }

  static func terminalWidth(isTerminal: Bool, environment: [String: String]) -> Int? {
    let columns = environment["COLUMNS"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
    guard isTerminal else { return columns }
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
      return Int(size.ws_col)
    }
    return columns ?? 80
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
