import ArgumentParser
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// `folio-bench`: generates the standard workload and measures Folio against plain SQLite.
@main
struct BenchCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "folio-bench",
    abstract: "Measure Folio on a generated workload, against plain SQLite tables.",
    discussion: """
      Phases: \(Phase.allCases.map(\.rawValue).joined(separator: ", ")). A phase also runs \
      the phases it needs (everything needs authoring, which needs the baseline). \
      Build in release mode, with the folio and folio-server executables beside this one \
      (script/bench does both).
      """)

  @Option(help: "Articles in the workload.")
  var n = 10_000

  @Option(help: "Seed of the workload generator.")
  var seed: UInt64 = 42

  @Option(help: "Comma-separated phases to run, or all.")
  var phases = "all"

  @Option(help: "Where to write the results as JSON.")
  var json = "bench-results.json"

  @Option(help: "Work folder (must be empty or absent; kept). Default: a temporary folder.")
  var work: String?

  @Flag(help: "Keep the temporary work folder.")
  var keep = false

  @Option(help: "Timed runs of each whole-process measurement (after one warm-up).")
  var runs = 10

  @Option(
    help: "Articles authored with one transaction per action (the rest of the run uses batches).")
  var perActionArticles = 500

  @Option(help: "Folder of the folio and folio-server executables. Default: this one's.")
  var bin: String?

  /// Starts the measuring helper (see `ChildProcess.runMeasured`) or the bench.
  static func main() async {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == ChildProcess.measureFlag {
      Glibc.exit(ChildProcess.measureMain(Array(arguments.dropFirst())))
    }
    await main(arguments)
  }

  func validate() throws {
    guard n >= 1 else { throw ValidationError("--n must be at least 1") }
    guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    guard perActionArticles >= 0 else {
      throw ValidationError("--per-action-articles must not be negative")
    }
    _ = try selectedPhases()
  }

  func run() async throws {
    let phases = try selectedPhases()
    let binaries = bin ?? SelfExecutable.folder
    if phases.contains(where: \.usesExecutables) {
      for name in ["folio", "folio-server"]
      where access(binaries + "/" + name, X_OK) != 0 {
        throw ValidationError(
          "\(binaries)/\(name) not found: build it too (swift build -c release --product "
            + "\(name)), or give its folder with --bin")
      }
    }
    let (folder, temporary) = try workFolder()
    defer {
      if temporary && !keep {
        try? FileManager.default.removeItem(atPath: folder)
      } else {
        Bench.progress("work files kept in \(folder)")
      }
    }
    let bench = Bench(
      Bench.Settings(
        workload: Workload(count: n, seed: seed), phases: phases, folder: folder,
        binaries: binaries, runs: runs, perActionArticles: perActionArticles))
    let results = try await bench.run()
    try Report.writeJSON(results, to: json)
    print(Report.table(results))
    print("\nResults written to \(json).")
  }

  private func selectedPhases() throws -> [Phase] {
    let names = phases.split(separator: ",").map {
      $0.trimmingCharacters(in: .whitespaces).lowercased()
    }
    if names.isEmpty || names == ["all"] { return Phase.allCases }
    var selected = Set<Phase>()
    for name in names {
      guard let phase = Phase(rawValue: name) else {
        throw ValidationError(
          "unknown phase '\(name)': use \(Phase.allCases.map(\.rawValue).joined(separator: ", ")) or all"
        )
      }
      selected.insert(phase)
    }
    return Phase.withPrerequisites(selected)
  }

  /// The work folder, and whether it is a temporary one.
  private func workFolder() throws -> (String, Bool) {
    if let work {
      let manager = FileManager.default
      if manager.fileExists(atPath: work) {
        guard (try manager.contentsOfDirectory(atPath: work)).isEmpty else {
          throw ValidationError("--work \(work) is not empty")
        }
      } else {
        try manager.createDirectory(atPath: work, withIntermediateDirectories: true)
      }
      return (work, false)
    }
    var template = Array((NSTemporaryDirectory() + "/folio-bench.XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else {
      throw ValidationError("cannot make a temporary folder: \(String(cString: strerror(errno)))")
    }
    return (String(cString: made), true)
  }
}
