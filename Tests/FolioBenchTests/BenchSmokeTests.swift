import Foundation
import Testing

/// Runs the debug `folio-bench` on a tiny workload and checks that its JSON report is whole
/// and that the counts agree across phases.
@Suite struct BenchSmokeTests {
  /// The parts of the report this test reads.
  struct Results: Decodable {
    struct Counts: Decodable {
      let authored: Int?
      let historyEdits: Int?
      let bundled: Int?
      let applied: Int?
      let pushed: Int?
      let pulled: Int?
      let edited: Int?
      let conflictsA: Int?
      let conflictsB: Int?
      let noChangeRequests: Int?
    }
    struct Workload: Decodable {
      let articles: Int
      let highlights: Int
      let fieldWrites: Int
    }
    struct PhaseSummary: Decodable {
      let name: String
    }
    struct Figure: Decodable {
      let phase: String
      let name: String
      let value: Double
      let met: Bool?
    }
    let n: Int
    let phases: [String]
    let workload: Workload
    let counts: Counts
    let phaseSummaries: [PhaseSummary]
    let figures: [Figure]
  }

  static let allPhases = [
    "baseline", "authoring", "size", "bundle", "latency", "sync", "concurrent", "history",
    "load", "anchoring",
  ]

  @Test func aSmallRunReportsEveryPhaseWithAgreeingCounts() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("folio-bench-smoke-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let jsonPath = folder.appendingPathComponent("results.json").path

    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.binary("folio-bench"))
    process.arguments = ["--n", "20", "--runs", "2", "--json", jsonPath]
    process.currentDirectoryURL = folder
    let logPath = folder.appendingPathComponent("bench.log").path
    _ = FileManager.default.createFile(atPath: logPath, contents: nil)
    let log = FileHandle(forWritingAtPath: logPath)
    process.standardOutput = log
    process.standardError = log
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try log?.close()
    let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    try #require(process.terminationStatus == 0, "folio-bench failed:\n\(output)")

    let results = try JSONDecoder().decode(
      Results.self, from: Data(contentsOf: URL(fileURLWithPath: jsonPath)))
    #expect(results.n == 20)
    #expect(results.phases == Self.allPhases)
    #expect(results.phaseSummaries.map(\.name) == Self.allPhases)
    for prefix in Self.allPhases {
      #expect(results.figures.contains { $0.phase.hasPrefix(prefix) }, "no figure for \(prefix)")
    }
    #expect(output.contains("folio-bench (debug build)"))

    let counts = results.counts
    let authored = try #require(counts.authored)
    #expect(authored == results.workload.fieldWrites)
    #expect(counts.bundled == authored)
    #expect(counts.applied == authored)
    #expect(counts.pushed == authored)
    #expect(counts.pulled == authored)
    let expected = min(1_000, results.workload.highlights)
    #expect(counts.edited == expected)
    #expect(counts.conflictsA == expected)
    #expect(counts.conflictsB == expected)
    #expect(counts.noChangeRequests == 1)
    #expect(counts.historyEdits == 400)
    // Bytes on the wire are counted at the socket: a no-change sync sends a request line and
    // headers, so it can never be zero.
    let wire = results.figures.first { $0.name.hasPrefix("bytes on the wire") }
    #expect((wire?.value ?? 0) > 100)
    // Push and pull report the bytes the client counted at its socket; in the no-change sync
    // a relay counts them too, and the two counts must agree.
    let counted = results.figures.first { $0.name.hasPrefix("bytes the client counted") }
    #expect(counted?.value == wire?.value)
    #expect(counted?.met == true)
  }

  /// A built executable beside the test binary (on Linux the tests run from
  /// FolioPackageTests.xctest in the bin folder; elsewhere from inside a bundle).
  static func binary(_ name: String) -> String {
    let folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
      .deletingLastPathComponent()
    var candidate = folder
    for _ in 0..<4 {
      let file = candidate.appendingPathComponent(name).path
      if FileManager.default.isExecutableFile(atPath: file) { return file }
      candidate = candidate.deletingLastPathComponent()
    }
    return folder.appendingPathComponent(name).path
  }
}
