import ArgumentParser
import FolioArticles
import FolioModel
import FolioReplica
import Foundation

struct ImportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Import articles (text format, Markdown or JSON); prints their ids.",
    discussion: """
      All files are imported in one transaction: if one is bad, none is imported.

      Examples:
        folio import article.txt notes.md
        curl -s https://example.org/article.json | folio import -
      """
  ).parsedOnItsOwn

  @OptionGroup var global: GlobalOptions

  @Argument(help: "Files to import, or - for standard input.")
  var files: [String]

  static let maximumFileBytes = 64 * 1024 * 1024

  func validate() throws {
    if files.isEmpty { throw ValidationError("give at least one file, or - for standard input") }
  }

  func run() async throws {
    let replica = try global.openReplica()
    var articles: [Article] = []
    var annotations: [Annotation] = []
    for file in files {
      let bytes = try Self.read(file)
      do {
        let document = try ArticleParser.parseDocument(bytes)
        articles += document.articles
        annotations += document.annotations
      } catch {
        throw CLIError(
          "\(file == "-" ? "standard input" : file): \(error.reason); nothing was imported")
      }
    }
    // The old texts and their highlights, to tell afterwards where the highlights went.
    var before: [String: (article: Article, annotations: [Annotation])] = [:]
    for article in articles where before[article.id] == nil {
      guard let old = try replica.article(id: article.id) else { continue }
      before[article.id] = (old, try replica.annotations(ofArticle: article.id))
    }
    let outcomes = try replica.importArticles(articles, annotations: annotations)
    var reports: [String: [ReanchorChange]] = [:]
    for outcome in outcomes where outcome.status == .updated {
      guard let old = before[outcome.id], let new = try replica.article(id: outcome.id) else {
        continue
      }
      reports[outcome.id] = ReanchorReport.changes(
        from: old.article, to: new, annotations: old.annotations)
    }
    if global.json {
      try JSONOutput.print(
        outcomes.map {
          ImportJSON(
            id: $0.id, title: $0.title, status: $0.status.rawValue,
            annotations: AnnotationCountsJSON($0.annotations),
            highlights: (reports[$0.id] ?? []).map(HighlightChangeJSON.init))
        })
    } else {
      for outcome in outcomes {
        Console.current.out(
          "\(outcome.id)  \(outcome.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(outcome.title.sanitizedLine)"
            + Self.describe(outcome.annotations))
        for change in reports[outcome.id] ?? [] {
          Console.current.out(
            Self.describe(change, shortID: replica.abbreviate(change.annotationID)))
        }
      }
    }
  }

  /// One line (two when the text changed) on a highlight the new version moved, changed or
  /// orphaned.
  static func describe(_ change: ReanchorChange, shortID: String) -> String {
    let quote = "“\(change.quote)”"
    switch change.kind {
    case .moved:
      let place =
        change.before.section == change.after.section ? "" : " to \(change.after.section.rawValue)"
      return "  highlight \(shortID) moved\(place): \(quote)"
    case .changed:
      let how = change.after.state == .partial ? "only partly kept" : "changed"
      return "  highlight \(shortID) \(how): \(quote)\n      now: “\(change.textAfter ?? "")”"
    case .orphaned:
      return "  highlight \(shortID) orphaned (its text is gone): \(quote)"
    case .restored:
      return "  highlight \(shortID) found again: \(quote)"
    }
  }

  /// " (3 annotations added, 1 updated)", or nothing when the file had none for it.
  static func describe(_ counts: AnnotationImportCounts) -> String {
    var parts: [String] = []
    let total = counts.added + counts.updated + counts.unchanged + counts.deletedHere
    guard total > 0 else { return "" }
    let noun = total == 1 ? "annotation" : "annotations"
    if counts.added > 0 { parts.append("\(counts.added) added") }
    if counts.updated > 0 { parts.append("\(counts.updated) updated") }
    if counts.unchanged > 0 { parts.append("\(counts.unchanged) unchanged") }
    if counts.deletedHere > 0 { parts.append("\(counts.deletedHere) kept deleted") }
    return " (\(noun): " + parts.joined(separator: ", ") + ")"
  }

  struct AnnotationCountsJSON: Encodable {
    let added: Int
    let updated: Int
    let unchanged: Int
    let deletedHere: Int

    init(_ counts: AnnotationImportCounts) {
      added = counts.added
      updated = counts.updated
      unchanged = counts.unchanged
      deletedHere = counts.deletedHere
    }
  }

  struct ImportJSON: Encodable {
    let id: String
    let title: String
    let status: String
    /// What the import did to the article's annotations (from an export).
    let annotations: AnnotationCountsJSON
    /// The highlights the new version moved, changed or orphaned.
    let highlights: [HighlightChangeJSON]
  }

  struct HighlightChangeJSON: Encodable {
    struct Place: Encodable {
      let section: String
      let start: Int
      let end: Int
      let text: String
    }

    let id: String
    let change: String
    let anchor: String
    let quote: String
    let before: Place?
    let after: Place?

    init(_ change: ReanchorChange) {
      id = change.annotationID
      self.change = change.kind.rawValue
      anchor = change.after.state.rawValue
      quote = change.quote
      func place(_ anchor: Anchor, _ text: String?) -> Place? {
        guard let range = anchor.range, let text else { return nil }
        return Place(
          section: anchor.section.rawValue, start: range.lowerBound, end: range.upperBound,
          text: text)
      }
      before = place(change.before, change.textBefore)
      after = place(change.after, change.textAfter)
    }

    enum CodingKeys: String, CodingKey { case id, change, anchor, quote, before, after }

    /// An orphan's place is written as null, not left out.
    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(id, forKey: .id)
      try container.encode(change, forKey: .change)
      try container.encode(anchor, forKey: .anchor)
      try container.encode(quote, forKey: .quote)
      try container.encode(before, forKey: .before)
      try container.encode(after, forKey: .after)
    }
  }

  static func read(_ file: String) throws -> [UInt8] {
    if file == "-" {
      return [UInt8](FileHandle.standardInput.readDataToEndOfFile())
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
      throw CLIError("\(file): no such file; nothing was imported")
    }
    guard !isDirectory.boolValue else {
      throw CLIError("\(file): is a folder, not a file; nothing was imported")
    }
    guard let handle = FileHandle(forReadingAtPath: file) else {
      throw CLIError("\(file): cannot be read (permission denied?); nothing was imported")
    }
    defer { try? handle.close() }
    let data = (try? handle.read(upToCount: maximumFileBytes + 1)) ?? Data()
    guard data.count <= maximumFileBytes else {
      throw CLIError("\(file): larger than 64 MiB; nothing was imported")
    }
    return [UInt8](data)
  }
}
