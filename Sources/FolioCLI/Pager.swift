import Foundation

/// Long output through a pager, as git does it: `$FOLIO_PAGER`, else `$PAGER`, else
/// `less -FRX` (which quits at once when the text fits on one screen, keeps colours and
/// leaves the text on the screen). Never when standard output is not a terminal, with
/// `--no-pager`, or when the pager is set to the empty string or `cat`.
enum Pager {
  static let standardCommand = "less -FRX"

  /// The shell command to page through, or nil to write straight to standard output.
  static func command(environment: [String: String], isTerminal: Bool, disabled: Bool)
    -> String?
  {
    guard isTerminal, !disabled else { return nil }
    let chosen = environment["FOLIO_PAGER"] ?? environment["PAGER"] ?? standardCommand
    let trimmed = chosen.trimmingCharacters(in: .whitespaces)
    return trimmed.isEmpty || trimmed == "cat" ? nil : trimmed
  }

  /// Runs `command` through `/bin/sh` with `text` on its standard input and waits for it.
  /// Returns false when the pager could not be found (the caller then prints the text).
  static func run(_ command: String, text: String) -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    var environment = ProcessInfo.processInfo.environment
    if environment["LESS"] == nil { environment["LESS"] = "FRX" }
    if environment["LV"] == nil { environment["LV"] = "-c" }
    process.environment = environment
    let pipe = Pipe()
    process.standardInput = pipe
    // A reader who quits the pager early closes the pipe: that is not an error.
    signal(SIGPIPE, SIG_IGN)
    do { try process.run() } catch { return false }
    try? pipe.fileHandleForWriting.write(contentsOf: Data(text.utf8))
    try? pipe.fileHandleForWriting.close()
    process.waitUntilExit()
    // 127: the shell did not find the pager; the text has not been shown.
    return process.terminationStatus != 127
  }
}
