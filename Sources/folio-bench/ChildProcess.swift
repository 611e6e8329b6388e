import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What a finished child process did.
struct ProcessRun {
  /// Exit status (128 + signal when killed by a signal).
  let status: Int32
  /// Wall time from spawning to reaping.
  let seconds: Double
  /// Peak resident bytes of the child (ru_maxrss).
  let peakBytes: Int
}

/// A process that could not be started or failed.
struct ProcessFailure: Error, CustomStringConvertible {
  let description: String
}

/// Runs executables with posix_spawn and reaps them with wait4, which gives the child's
/// peak resident memory as well as its exit status.
enum ChildProcess {
  /// Starts `executable` with `arguments`; standard input is /dev/null, standard output and
  /// error go to the given files (/dev/null when nil).
  static func spawn(
    _ executable: String, _ arguments: [String], stdout: String? = nil, stderr: String? = nil
  ) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    let flags = O_WRONLY | O_CREAT | O_TRUNC
    posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", flags, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", flags, 0o600)

    var environment = ProcessInfo.processInfo.environment
    // The children must use exactly the replica and token the bench gives them.
    environment.removeValue(forKey: "FOLIO_STORE")
    environment.removeValue(forKey: "FOLIO_TOKEN")
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in argv { free(pointer) }
      for pointer in envp { free(pointer) }
    }
    var pid: pid_t = 0
    let code = posix_spawn(&pid, executable, &actions, nil, argv, envp)
    guard code == 0 else {
      throw ProcessFailure(
        description: "cannot run \(executable): \(String(cString: strerror(code)))")
    }
    return pid
  }

  /// Waits for `pid` to end.
  static func wait(_ pid: pid_t) -> (status: Int32, peakBytes: Int) {
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 {
      guard errno == EINTR else { return (-1, 0) }
    }
    return (exitStatus(status), Int(usage.ru_maxrss) * 1024)
  }

  /// Whether `pid` has ended, reaping it if so.
  static func hasEnded(_ pid: pid_t) -> Bool {
    var status: Int32 = 0
    return waitpid(pid, &status, WNOHANG) == pid
  }

  /// Runs a process to its end.
  static func run(
    _ executable: String, _ arguments: [String], stdout: String? = nil, stderr: String? = nil
  ) throws -> ProcessRun {
    let start = MonotonicClock.now()
    let pid = try spawn(executable, arguments, stdout: stdout, stderr: stderr)
    let (status, peak) = wait(pid)
    return ProcessRun(
      status: status, seconds: Double(MonotonicClock.now() - start) / 1e9, peakBytes: peak)
  }

  /// Runs a process that must succeed and returns what it printed on standard output.
  static func output(
    _ executable: String, _ arguments: [String], scratch: String
  ) throws -> String {
    let outPath = scratch + ".out"
    let errPath = scratch + ".err"
    defer {
      unlink(outPath)
      unlink(errPath)
    }
    let run = try run(executable, arguments, stdout: outPath, stderr: errPath)
    guard run.status == 0 else {
      let message = readFile(errPath) ?? ""
      throw ProcessFailure(
        description: "\(executable) \(arguments.joined(separator: " ")) failed "
          + "(status \(run.status)): \(message)")
    }
    return readFile(outPath) ?? ""
  }

  /// Runs a process through a copy of this executable (`--measure-child`), which spawns it
  /// and reports its exit status, wall time and peak resident memory.
  ///
  /// Why the detour: a child started by posix_spawn (vfork) inherits its parent's peak
  /// resident size in ru_maxrss, so the bench's own memory would show as the child's. The
  /// helper is small, and it times the child itself, so its own start-up is not counted.
  static func runMeasured(
    _ executable: String, _ arguments: [String], stdout: String? = nil, stderr: String
  ) throws -> ProcessRun {
    let reportPath = stderr + ".measure"
    defer { unlink(reportPath) }
    let helper = try run(
      SelfExecutable.path,
      [measureFlag, stdout ?? "/dev/null", stderr, executable] + arguments,
      stdout: reportPath, stderr: stderr + ".helper")
    unlink(stderr + ".helper")
    let fields = (readFile(reportPath) ?? "").split(whereSeparator: \.isWhitespace)
    guard helper.status == 0, fields.count == 3, let status = Int32(fields[0]),
      let nanoseconds = UInt64(fields[1]), let peak = Int(fields[2])
    else {
      throw ProcessFailure(description: "cannot measure \(executable): the helper failed")
    }
    return ProcessRun(status: status, seconds: Double(nanoseconds) / 1e9, peakBytes: peak)
  }

  /// The first argument that starts this executable as the measuring helper.
  static let measureFlag = "--measure-child"

  /// The measuring helper: `--measure-child STDOUT STDERR EXECUTABLE ARGUMENTS…` runs the
  /// executable and prints "status nanoseconds peak-bytes".
  static func measureMain(_ arguments: [String]) -> Int32 {
    guard arguments.count >= 3 else { return 2 }
    let start = MonotonicClock.now()
    guard
      let pid = try? spawn(
        arguments[2], Array(arguments.dropFirst(3)), stdout: arguments[0], stderr: arguments[1])
    else { return 1 }
    let (status, peak) = wait(pid)
    print("\(status) \(MonotonicClock.now() - start) \(peak)")
    return 0
  }

  /// The status waitpid reports, as a shell would show it.
  private static func exitStatus(_ raw: Int32) -> Int32 {
    let signal = raw & 0x7F
    return signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
  }
}

/// The path of this executable.
enum SelfExecutable {
  static var path: String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard length > 0 else { return CommandLine.arguments[0] }
    return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// The folder holding this executable.
  static var folder: String { URL(fileURLWithPath: path).deletingLastPathComponent().path }
}
