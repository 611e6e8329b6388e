import FolioArticles
import Foundation
import Testing

/// The re-anchoring corpus: articles, corrected versions of them and where each highlight of
/// the original should land in the correction (`AnchoringCorpus/*.corpus`).
///
/// A corpus file has three parts. `=== original` and `=== corrected` each hold an article:
/// `title: …`, then `--- summary`, `--- background` and `--- insights` with their text (one
/// paragraph a line; in the insights, `? question` and `- point` lines). `=== cases` holds
/// one case a line: `kind | quote in the original | where it should land`, the last being
/// the corrected text it should cover, or `orphan`.
struct AnchoringCorpus {
  struct Case {
    let file: String
    let kind: String
    let quote: String
    /// The expected text in the corrected article; nil for an orphan.
    let expected: String?
  }

  struct Document {
    let name: String
    let original: Article
    let corrected: Article
    let cases: [Case]
  }

  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("AnchoringCorpus")

  static func load() throws -> [Document] {
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
      .filter { $0.hasSuffix(".corpus") }.sorted()
    return try names.map { name in
      let text = try String(
        contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
      return try parse(text, name: name)
    }
  }

  struct FormatError: Error, CustomStringConvertible {
    let description: String
  }

  static func parse(_ text: String, name: String) throws -> Document {
    var parts: [String: [String]] = [:]
    var current = ""
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("=== ") {
        current = String(line.dropFirst(4))
      } else if !line.isEmpty {
        parts[current, default: []].append(String(line))
      }
    }
    guard let original = parts["original"], let corrected = parts["corrected"],
      let cases = parts["cases"]
    else { throw FormatError(description: "\(name): needs original, corrected and cases") }
    return Document(
      name: name, original: try article(original, name: name),
      corrected: try article(corrected, name: name),
      cases: try cases.map { line in
        let fields = line.components(separatedBy: " | ")
        guard fields.count == 3 else { throw FormatError(description: "\(name): \(line)") }
        return Case(
          file: name, kind: fields[0], quote: fields[1],
          expected: fields[2] == "orphan" ? nil : fields[2])
      })
  }

  private static func article(_ lines: [String], name: String) throws -> Article {
    guard let first = lines.first, first.hasPrefix("title: ") else {
      throw FormatError(description: "\(name): an article starts with its title")
    }
    var sections: [String: [String]] = [:]
    var section = ""
    for line in lines.dropFirst() {
      if line.hasPrefix("--- ") {
        section = String(line.dropFirst(4))
      } else {
        sections[section, default: []].append(line)
      }
    }
    var insights: [Insight] = []
    for line in sections["insights"] ?? [] {
      if line.hasPrefix("? ") {
        insights.append(Insight(question: String(line.dropFirst(2)), points: []))
      } else if line.hasPrefix("- "), !insights.isEmpty {
        insights[insights.count - 1].points.append(String(line.dropFirst(2)))
      } else {
        throw FormatError(description: "\(name): not an insight line: \(line)")
      }
    }
    return Article(
      title: String(first.dropFirst(7)),
      summary: (sections["summary"] ?? []).joined(separator: "\n"),
      background: (sections["background"] ?? []).joined(separator: "\n"), insights: insights)
  }
}

/// How a case came out.
enum CorpusOutcome: String {
  /// Landed on the expected text (each end within two scalars of it).
  case right
  /// Landed on the expected passage, but its ends are more than two scalars off.
  case imprecise
  /// Landed elsewhere, or landed where an orphan was expected.
  case wrong
  /// Orphaned although it should have landed.
  case missed
  /// Orphaned, as expected.
  case orphan
}

@Suite struct AnchoringCorpusTests {
  /// Every section of `article` with its text, to find the expected landing in.
  private func locate(_ expected: String, in article: Article) -> [(ArticleSection, Range<Int>)] {
    var found: [(ArticleSection, Range<Int>)] = []
    let pattern = Array(expected.unicodeScalars)
    for (section, text) in article.sections {
      let scalars = Array(text.unicodeScalars)
      guard scalars.count >= pattern.count else { continue }
      for start in 0...(scalars.count - pattern.count)
      where scalars[start..<(start + pattern.count)].elementsEqual(pattern) {
        found.append((section, start..<(start + pattern.count)))
      }
    }
    return found
  }

  private func outcome(
    _ item: AnchoringCorpus.Case, _ document: AnchoringCorpus.Document
  ) throws -> (CorpusOutcome, Anchor) {
    let selector = try Anchoring.select(quote: item.quote, in: document.original)
    let anchor = Anchoring.anchor(selector, in: document.corrected)
    guard let expected = item.expected else {
      return (anchor.range == nil ? .orphan : .wrong, anchor)
    }
    let places = locate(expected, in: document.corrected)
    try #require(places.count == 1, "\(item.file): expected text not unique: \(expected)")
    let (section, target) = places[0]
    guard let range = anchor.range else { return (.missed, anchor) }
    guard anchor.section == section, range.overlaps(target) else { return (.wrong, anchor) }
    let close =
      abs(range.lowerBound - target.lowerBound) <= 2
      && abs(range.upperBound - target.upperBound) <= 2
    return (close ? .right : .imprecise, anchor)
  }

  /// Whether a landing in `article` starts and ends on word boundaries.
  private func onWordBoundaries(_ anchor: Anchor, in article: Article) -> Bool {
    guard let range = anchor.range else { return true }
    let scalars = Array(article.text(of: anchor.section).unicodeScalars)
    func isWord(_ offset: Int) -> Bool {
      scalars.indices.contains(offset)
        && (scalars[offset].properties.isAlphabetic
          || scalars[offset].properties.numericType != nil)
    }
    return !(isWord(range.lowerBound - 1) && isWord(range.lowerBound))
      && !(isWord(range.upperBound - 1) && isWord(range.upperBound))
  }

  @Test func landingsStartAndEndOnWordBoundaries() throws {
    for document in try AnchoringCorpus.load() {
      for item in document.cases {
        let selector = try Anchoring.select(quote: item.quote, in: document.original)
        let anchor = Anchoring.anchor(selector, in: document.corrected)
        #expect(
          onWordBoundaries(anchor, in: document.corrected),
          "\(item.file): “\(item.quote)” → “\(anchor.text(in: document.corrected) ?? "")”")
      }
    }
  }

  @Test func corpusLandsEveryHighlightRightOrOrphansIt() throws {
    let documents = try AnchoringCorpus.load()
    #expect(documents.count >= 5)
    var counts: [CorpusOutcome: Int] = [:]
    var report: [String] = []
    for document in documents {
      for item in document.cases {
        let (result, anchor) = try outcome(item, document)
        counts[result, default: 0] += 1
        if result != .right && result != .orphan {
          report.append(
            "\(result.rawValue): \(item.file) [\(item.kind)] “\(item.quote)” → "
              + "\(anchor.state.rawValue) “\(anchor.text(in: document.corrected) ?? "-")”")
        }
      }
    }
    let right = counts[.right, default: 0]
    let landings =
      right + counts[.imprecise, default: 0] + counts[.missed, default: 0]
      + counts[.wrong, default: 0]
    let cases = documents.map(\.cases.count).reduce(0, +)
    print(
      "anchoring corpus: \(cases) cases, \(right)/\(landings) right, "
        + "\(counts[.wrong, default: 0]) wrong, \(counts[.imprecise, default: 0]) imprecise, "
        + "\(counts[.missed, default: 0]) missed, \(counts[.orphan, default: 0]) orphans as expected"
    )
    for line in report { print(line) }
    #expect(cases >= 80)
    #expect(counts[.wrong, default: 0] == 0, "\(report)")
    #expect(Double(right) >= 0.95 * Double(landings), "\(report)")
  }

  @Test func everyCorrectionKindIsCovered() throws {
    let kinds = Set(try AnchoringCorpus.load().flatMap { $0.cases.map(\.kind) })
    for needed in [
      "typo", "changed number", "corrected name", "inserted sentence", "deleted sentence",
      "reordered paragraphs", "moved between sections", "trimmed clause", "decoy duplicate",
      "deleted next to parallel", "merged sentences",
    ] {
      #expect(kinds.contains { $0.hasPrefix(needed) }, "no case of kind \(needed)")
    }
  }
}
