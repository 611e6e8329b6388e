import FolioReplica

/// Whole-process latencies of the read commands on the authored replica.
struct LatencyResult {
  /// `folio --help`: starting the executable, for reference.
  let start: [ProcessRun]
  let list: [ProcessRun]
  let show: [ProcessRun]
  let search: [ProcessRun]
  let searchWord: String
  /// Records matching the search word (the command shows the best 50).
  let searchMatches: Int
  /// Peak memory the measuring helper reports for /bin/true: process peaks at or below it
  /// only say "at most this".
  let memoryFloorBytes: Int
}

/// Runs `folio list`, `folio show ID` and `folio search WORD` as whole processes (output to
/// /dev/null), each once to warm up and then `runs` times.
enum LatencyPhase {
  static func run(
    replica path: String, folio: String, article: String, searchWord: String, runs: Int,
    folder: String
  ) throws -> LatencyResult {
    let errorPath = folder + "/latency.err"
    func measure(_ arguments: [String]) throws -> [ProcessRun] {
      var result: [ProcessRun] = []
      for attempt in 0...runs {
        let run = try ChildProcess.runMeasured(folio, arguments, stderr: errorPath)
        guard run.status == 0 else {
          throw ProcessFailure(
            description: "folio \(arguments.joined(separator: " ")) failed "
              + "(status \(run.status)): \(readFile(errorPath) ?? "")")
        }
        if attempt > 0 { result.append(run) }
      }
      return result
    }
    let matches = try Replica.open(at: path).search(searchWord, limit: 1_000_000_000).count
    return LatencyResult(
      start: try measure(["--help"]),
      list: try measure(["--store", path, "list"]),
      show: try measure(["--store", path, "show", article]),
      search: try measure(["--store", path, "search", searchWord]),
      searchWord: searchWord, searchMatches: matches,
      memoryFloorBytes: try ChildProcess.runMeasured("/bin/true", [], stderr: errorPath).peakBytes)
  }
}
