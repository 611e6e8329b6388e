#if canImport(Glibc)
  import Glibc
#endif

/// Monotonic time.
enum MonotonicClock {
  /// Nanoseconds since an arbitrary fixed point (CLOCK_MONOTONIC).
  static func now() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
  }

  /// Runs `body` and returns its result with the seconds it took.
  static func time<T>(_ body: () throws -> T) rethrows -> (result: T, seconds: Double) {
    let start = now()
    let result = try body()
    return (result, Double(now() - start) / 1e9)
  }
}

/// Wall time accumulated over several timed stretches (work between them, such as
/// generating the next chunk of the workload, is not counted).
struct Stopwatch {
  private(set) var nanoseconds: UInt64 = 0
  private var startedAt: UInt64?

  mutating func start() { startedAt = MonotonicClock.now() }

  mutating func stop() {
    if let startedAt { nanoseconds += MonotonicClock.now() - startedAt }
    startedAt = nil
  }

  /// Runs `body` timed.
  mutating func time<T>(_ body: () throws -> T) rethrows -> T {
    start()
    defer { stop() }
    return try body()
  }

  var seconds: Double { Double(nanoseconds) / 1e9 }
}

/// This process's resident memory, from /proc/self/status.
enum ResidentMemory {
  /// Resets the peak (VmHWM) to the current resident size: writing "5" to
  /// /proc/self/clear_refs does that (Linux 4.0 and later).
  static func resetPeak() {
    let descriptor = open("/proc/self/clear_refs", O_WRONLY)
    guard descriptor >= 0 else { return }
    _ = write(descriptor, "5", 1)
    close(descriptor)
  }

  /// Returns freed heap memory to the system (glibc's malloc_trim, looked up at run time
  /// because Swift's Glibc module does not export malloc.h).
  static func releaseFreedMemory() {
    guard let symbol = dlsym(nil, "malloc_trim") else { return }
    typealias MallocTrim = @convention(c) (Int) -> Int32
    _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
  }

  /// Peak resident bytes since the last reset (VmHWM).
  static func peakBytes() -> Int { statusField("VmHWM:") }

  /// Resident bytes now (VmRSS).
  static func currentBytes() -> Int { statusField("VmRSS:") }

  private static func statusField(_ name: String) -> Int {
    guard let text = readFile("/proc/self/status") else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix(name) {
      let number = line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" })
        .first.flatMap { Int($0) }
      return (number ?? 0) * 1024
    }
    return 0
  }
}

/// Resident memory over one phase: the peak is reset at the start.
struct MemoryMeter {
  /// Resident bytes when the phase started.
  let startBytes: Int

  init() {
    // Hand memory freed by earlier phases back to the system first, so that the phase
    // starts from what is really in use.
    ResidentMemory.releaseFreedMemory()
    ResidentMemory.resetPeak()
    startBytes = ResidentMemory.currentBytes()
  }

  /// Peak resident bytes since the phase started.
  var peakBytes: Int { max(ResidentMemory.peakBytes(), startBytes) }
}

/// Sizes of files on disk.
enum FileSize {
  /// Bytes of a file, 0 when it does not exist.
  static func bytes(_ path: String) -> Int {
    var info = stat()
    guard stat(path, &info) == 0 else { return 0 }
    return Int(info.st_size)
  }

  /// Bytes of an SQLite database: the file and its write-ahead log, if any.
  static func databaseBytes(_ path: String) -> Int {
    bytes(path) + bytes(path + "-wal")
  }
}

/// The whole text of a (small) file, or nil.
func readFile(_ path: String) -> String? {
  let descriptor = open(path, O_RDONLY)
  guard descriptor >= 0 else { return nil }
  defer { close(descriptor) }
  var bytes: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 65_536)
  while true {
    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    if count < 0, errno == EINTR { continue }
    guard count > 0 else { break }
    bytes += buffer[0..<count]
  }
  return String(decoding: bytes, as: UTF8.self)
}

/// The median of `values` (0 when empty).
func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  guard !sorted.isEmpty else { return 0 }
  let middle = sorted.count / 2
  return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
