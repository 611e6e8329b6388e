import FolioSync
import Foundation

/// Where `remote add` gets the token, and which URLs it accepts: a token must not appear on
/// the command line (where `ps` and shell history see it) nor cross a network in clear text.
enum RemoteSecurity {
  /// The token: `--token` if given, else `$FOLIO_TOKEN`, else the first line of `input`
  /// (standard input: piped, or typed at a prompt that does not echo).
  static func token(
    flag: String?, environment: [String: String], input: () -> String?
  ) throws -> String {
    if let flag, !flag.isEmpty { return flag }
    if let token = environment["FOLIO_TOKEN"], !token.isEmpty { return token }
    guard let line = input()?.trimmingCharacters(in: .whitespacesAndNewlines), !line.isEmpty
    else {
      throw CLIError(
        "no token: set FOLIO_TOKEN, or give it on standard input (folio remote add … < token-file)")
    }
    return line
  }

  /// Reads one line of standard input; on a terminal, prompts on standard error without
  /// echoing what is typed.
  static func readStandardInput(prompt: String) -> String? {
    guard isatty(STDIN_FILENO) == 1 else { return readLine() }
    var saved = termios()
    guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return readLine() }
    var silent = saved
    silent.c_lflag &= ~tcflag_t(ECHO)
    Console.current.errRaw(prompt)
    tcsetattr(STDIN_FILENO, TCSANOW, &silent)
    defer {
      tcsetattr(STDIN_FILENO, TCSANOW, &saved)
      Console.current.errRaw("\n")
    }
    return readLine()
  }

  /// Refuses a URL that would send the token in clear text to another machine: `http://`
  /// is for loopback (127.0.0.0/8, ::1, localhost) unless `insecure`.
  static func checkURL(_ text: String, insecure: Bool) throws {
    guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
      scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
    else {
      throw CLIError(
        "'\(text.sanitizedLine)' is not a server URL: write https://HOST[:PORT] (or http://127.0.0.1:PORT)"
      )
    }
    guard scheme == "http", !insecure, !LoopbackHost.contains(host) else { return }
    throw CLIError(
      "refusing http:// to \(host.sanitizedLine): the token would cross the network in clear text;"
        + " use https://, or --insecure if this network is trusted")
  }
}
