#if canImport(Glibc)
  import Glibc
#endif

/// A real `folio-server` child process on 127.0.0.1, on a port the system picks, with its
/// data in the bench's folder (or in a PostgreSQL database).
final class ServerProcess {
  let executable: String
  let folder: String
  let dataPath: String
  /// A PostgreSQL URL to use instead of `dataPath`.
  let database: String?
  private var pid: pid_t?
  /// `http://127.0.0.1:PORT` once started.
  private(set) var url = ""

  init(executable: String, folder: String, database: String? = nil) {
    self.executable = executable
    self.folder = folder
    self.database = database
    dataPath = folder + "/server.sqlite"
  }

  private var storeArguments: [String] {
    database.map { ["--database", $0] } ?? ["--data", dataPath]
  }

  deinit { stop() }

  /// Runs an administration command against the data file and returns its output.
  @discardableResult
  func admin(_ arguments: [String]) throws -> String {
    try ChildProcess.output(
      executable, arguments + storeArguments, scratch: folder + "/server-admin")
  }

  /// Makes a read-write token for `user` on `space` and returns it (the last word printed).
  func createToken(space: String, user: String) throws -> String {
    let output = try admin(["token", "create", "--space", space, "--user", user])
    guard let token = output.split(whereSeparator: { $0 == " " || $0 == "\n" }).last else {
      throw ProcessFailure(description: "folio-server token create printed no token")
    }
    return String(token)
  }

  /// Starts `folio-server serve` and waits (up to 30 s) for its "listening on" line.
  func start() throws {
    let outPath = folder + "/server.out"
    let logPath = folder + "/server.log"
    let pid = try ChildProcess.spawn(
      executable,
      ["serve", "--host", "127.0.0.1", "--port", "0"] + storeArguments,
      stdout: outPath, stderr: logPath)
    self.pid = pid
    let deadline = MonotonicClock.now() + 30_000_000_000
    while MonotonicClock.now() < deadline {
      let output = readFile(outPath) ?? ""
      if let line = output.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
        url = String(line.dropFirst("listening on ".count))
        return
      }
      if ChildProcess.hasEnded(pid) {
        self.pid = nil
        break
      }
      usleep(20_000)
    }
    stop()
    throw ProcessFailure(
      description: "folio-server did not start: \(readFile(logPath) ?? "no log")")
  }

  /// Stops the server: SIGTERM, then SIGKILL if it has not ended within 10 s.
  func stop() {
    guard let pid else { return }
    self.pid = nil
    kill(pid, SIGTERM)
    let deadline = MonotonicClock.now() + 10_000_000_000
    while MonotonicClock.now() < deadline {
      if ChildProcess.hasEnded(pid) { return }
      usleep(20_000)
    }
    kill(pid, SIGKILL)
    _ = ChildProcess.wait(pid)
  }
}
