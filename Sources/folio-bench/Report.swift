import Foundation

/// One reported number, with its ratio to the baseline and its target when it has them.
struct Figure: Codable, Sendable {
  let phase: String
  let name: String
  let value: Double
  let unit: String
  /// Folio's figure divided by the baseline's (throughputs and sizes).
  var ratio: Double?
  /// The target, in words ("<= 2.00x baseline", "< 20 ms").
  var target: String?
  /// Whether the target is met.
  var met: Bool?
}

/// What the workload was.
struct WorkloadInfo: Codable, Sendable {
  let articles: Int
  let highlights: Int
  let fieldWritesPerArticle: Int
  let fieldWrites: Int
  /// Articles authored with one transaction per action.
  let perActionArticles: Int
  /// Highlights rewritten on both sides in the concurrent phase.
  let concurrentHighlights: Int
}

/// Counts that must agree across phases (the smoke test checks them).
struct Counts: Codable, Sendable {
  var authored: Int?
  var bundled: Int?
  var applied: Int?
  var pushed: Int?
  var pulled: Int?
  var edited: Int?
  var conflictsA: Int?
  var conflictsB: Int?
  var historyEdits: Int?
  var noChangeRequests: Int?
}

/// Wall time and peak resident memory of one phase of this process.
struct PhaseSummary: Codable, Sendable {
  let name: String
  let seconds: Double
  let peakResidentBytes: Int
}

/// A database's size and the bytes of each table and index.
struct StorageInfo: Codable, Sendable {
  let fileBytes: Int
  let fullTextBytes: Int
  let objects: [String: Int]
}

/// Everything one run measured: the JSON file holds exactly this.
struct BenchResults: Codable, Sendable {
  var tool = "folio-bench"
  /// "release" or "debug": only release figures mean anything.
  var build: String
  var n: Int
  var seed: UInt64
  var phases: [String]
  var workload: WorkloadInfo
  var counts = Counts()
  var phaseSummaries: [PhaseSummary] = []
  var figures: [Figure] = []
  var storage: [String: StorageInfo] = [:]
}

/// Renders results as an aligned table.
enum Report {
  static let header = ["phase", "figure", "value", "unit", "x baseline", "target", "met?"]

  static func table(_ results: BenchResults) -> String {
    var rows = [header]
    for figure in results.figures {
      rows.append([
        figure.phase, figure.name, format(figure.value), figure.unit,
        figure.ratio.map(formatRatio) ?? "", figure.target ?? "",
        figure.met.map { $0 ? "yes" : "NO" } ?? "",
      ])
    }
    let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
    let rightAligned: Set<Int> = [2, 4]
    var lines: [String] = []
    lines.append(
      "folio-bench (\(results.build) build): n = \(results.n), seed = \(results.seed), "
        + "\(results.workload.fieldWrites) field writes "
        + "(\(results.workload.fieldWritesPerArticle) per article)")
    for (index, row) in rows.enumerated() {
      let cells = row.enumerated().map { column, cell in
        let padding = String(repeating: " ", count: widths[column] - cell.count)
        return rightAligned.contains(column) ? padding + cell : cell + padding
      }
      lines.append(cells.joined(separator: "  ").trimmingTrailingSpaces())
      if index == 0 {
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
      }
    }
    return lines.joined(separator: "\n")
  }

  /// Integers with thousands separators; fractions with three significant digits.
  static func format(_ value: Double) -> String {
    guard value.isFinite else { return "-" }
    let magnitude = abs(value)
    if magnitude >= 1000 || (value == value.rounded() && magnitude < 1e15) {
      return grouped(Int(value.rounded()))
    }
    let decimals = magnitude >= 100 ? 1 : magnitude >= 10 ? 2 : 3
    return String(format: "%.\(decimals)f", value)
  }

  static func formatRatio(_ ratio: Double) -> String {
    String(format: ratio < 0.1 ? "%.3fx" : "%.2fx", ratio)
  }

  private static func grouped(_ value: Int) -> String {
    let digits = String(abs(value))
    var result = ""
    for (index, digit) in digits.enumerated() {
      if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
      result.append(digit)
    }
    return (value < 0 ? "-" : "") + result
  }

  /// Writes the results as pretty-printed JSON.
  static func writeJSON(_ results: BenchResults, to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    try encoder.encode(results).write(to: URL(fileURLWithPath: path))
  }
}

extension String {
  fileprivate func trimmingTrailingSpaces() -> String {
    var text = self
    while text.last == " " { text.removeLast() }
    return text
  }
}
