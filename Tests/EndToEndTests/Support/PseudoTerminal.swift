import Foundation

/// A program run on a real pseudo-terminal: its standard input, output and error are the
/// terminal's, so it sees a terminal (`isatty`) and is driven as a person would drive it:
/// read what it printed, type an answer.
final class PseudoTerminal {
  private let master: Int32
  private let process: Process
  /// The bytes the program printed so far.
  private var bytes: [UInt8] = []
  /// Everything the program printed so far (carriage returns removed).
  private(set) var transcript = ""
  /// Where the next `expect` starts looking, in characters of `transcript`.
  private var mark = 0

  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  /// Linux's pseudo-terminal ioctls (`_IOR('T', 0x30, int)`, `_IOW('T', 0x31, int)`; the
  /// same on x86_64 and arm64). Swift does not import `posix_openpt`, `grantpt` and
  /// `ptsname`, which are these calls.
  private static let getNumber: UInt = 0x8004_5430
  private static let setLock: UInt = 0x4004_5431

  /// A new terminal pair: the side the test holds and the side the program gets.
  private static func open() throws -> (master: Int32, slave: Int32) {
    let master = Glibc.open("/dev/ptmx", O_RDWR | O_NOCTTY)
    var unlock: Int32 = 0
    var number: UInt32 = 0
    guard master >= 0, ioctl(master, setLock, &unlock) == 0, ioctl(master, getNumber, &number) == 0
    else { throw Failure(description: "no pseudo-terminal: \(String(cString: strerror(errno)))") }
    let slave = Glibc.open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
    guard slave >= 0 else {
      close(master)
      throw Failure(description: "cannot open /dev/pts/\(number)")
    }
    return (master, slave)
  }

  init(_ executable: String, _ arguments: [String], environment: [String: String]) throws {
    let (master, slave) = try PseudoTerminal.open()
    self.master = master
    var size = winsize(ws_row: 50, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0)
    _ = ioctl(slave, UInt(TIOCSWINSZ), &size)
    let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
    process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for key in ["FOLIO_STORE", "FOLIO_TOKEN", "VISUAL", "EDITOR", "NO_COLOR", "COLUMNS"] {
      env.removeValue(forKey: key)
    }
    env["TERM"] = "xterm"
    for (key, value) in environment { env[key] = value }
    process.environment = env
    process.standardInput = terminal
    process.standardOutput = terminal
    process.standardError = terminal
    try process.run()
    try terminal.close()
  }

  deinit {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    close(master)
  }

  /// Waits until the program has printed `text` (after what earlier calls matched) and
  /// returns what it printed up to and including it.
  @discardableResult
  func expect(_ text: String, timeout: TimeInterval = 20) throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      let start = transcript.index(transcript.startIndex, offsetBy: mark)
      if let range = transcript.range(of: text, range: start..<transcript.endIndex) {
        mark = transcript.distance(from: transcript.startIndex, to: range.upperBound)
        return String(transcript[start..<range.upperBound])
      }
      guard Date() < deadline, readMore(until: deadline) else {
        throw Failure(
          description: "waited for “\(text)”; the program printed:\n\(transcript[start...])")
      }
    }
  }

  /// Types a line, as if followed by Return.
  func type(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
  }

  /// Waits for the program to exit, reading what it still prints; returns its status.
  func waitForExit(timeout: TimeInterval = 20) throws -> Int32 {
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { _ = readMore(until: deadline) }
    guard !process.isRunning else {
      throw Failure(description: "the program did not exit; it printed:\n\(transcript)")
    }
    while readMore(until: Date().addingTimeInterval(0.2)) {}
    process.waitUntilExit()
    return process.terminationStatus
  }

  /// Reads what is available (waiting at most until `deadline`); false when nothing came.
  private func readMore(until deadline: Date) -> Bool {
    var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
    let milliseconds = Int32(max(0, min(deadline.timeIntervalSinceNow, 0.5)) * 1000)
    guard poll(&poller, 1, milliseconds) > 0 else { return Date() < deadline }
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
    guard count > 0 else { return false }
    bytes += buffer[0..<count]
    transcript = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r", with: "")
    return true
  }
}
