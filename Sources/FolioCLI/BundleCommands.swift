import ArgumentParser
import FolioArticles
import FolioModel
import FolioReplica
import Foundation

struct BundleCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bundle", abstract: "Exchange changes through a file when there is no network.",
    discussion: """
      A bundle carries a signed head for each replica whose changes it holds; 'apply'
      verifies them before it applies anything, so nobody can alter or invent a change in it.

      Examples:
        folio bundle create to-bob.bundle
        folio bundle apply from-alice.bundle
      """,
    subcommands: [BundleCreateCommand.self, BundleApplyCommand.self, BundleVectorCommand.self]
  ).parsedOnItsOwn
}

struct BundleCreateCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "create", abstract: "Write changes to a bundle file.",
    discussion: """
      Examples:
        folio bundle create to-bob.bundle
        folio bundle create to-bob.bundle --for bob.vector
        folio bundle create to-bob.bundle --since from-bob.bundle
      """)

  @OptionGroup var global: GlobalOptions

  @Argument(help: "The bundle file to write.")
  var file: String

  @Option(
    name: .customLong("for"),
    help: "Only what a peer lacks: a file holding its version vector ('folio bundle vector').")
  var vectorFile: String?

  @Option(help: "Only what a peer lacks, as told by the last bundle it sent you.")
  var since: String?

  func validate() throws {
    if vectorFile != nil && since != nil {
      throw ValidationError("give --for or --since, not both")
    }
  }

  /// What `bundle create --json` prints.
  struct Written: Encodable {
    let file: String
    let changes: Int
    let bytes: Int
  }

  func run() async throws {
    let replica = try global.openReplica()
    var vector: VersionVector?
    if let vectorFile { vector = try BundleCreateCommand.readVector(vectorFile) }
    if let since { vector = try Replica.bundleHeader(at: since).vector }
    let summary = try replica.createBundle(at: file, for: vector)
    if summary.unsigned > 0 {
      Console.current.err(
        "note: left out \(summary.unsigned) change\(summary.unsigned == 1 ? "" : "s") of sites"
          + " made before Folio signed changes: no reader could verify them")
    }
    if global.json {
      try JSONOutput.print(Written(file: file, changes: summary.changes, bytes: summary.bytes))
      return
    }
    Console.current.out(
      "Wrote \(summary.changes) change\(summary.changes == 1 ? "" : "s") to \(file) (\(summary.bytes) bytes)."
    )
  }

  static func readVector(_ path: String) throws -> VersionVector {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw CLIError("\(path): no such file")
    }
    struct Wrapped: Decodable { let vector: VersionVector }
    if let wrapped = try? JSONDecoder().decode(Wrapped.self, from: data) { return wrapped.vector }
    guard let vector = try? JSONDecoder().decode(VersionVector.self, from: data) else {
      throw CLIError("\(path): not a version vector (write one with 'folio bundle vector FILE')")
    }
    return vector
  }
}

struct BundleApplyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "apply", abstract: "Apply a bundle file (all of it or nothing).",
    discussion: """
      Example:
        folio bundle apply from-alice.bundle
      """)

  @OptionGroup var global: GlobalOptions

  @Argument(help: "The bundle file to read.")
  var file: String

  func run() async throws {
    let replica = try global.openReplica()
    let report: ApplyReport
    do {
      report = try replica.applyBundle(at: file)
    } catch {
      throw CLIError("\(file): \(error); nothing was applied")
    }
    let reanchored = try ReanchorSummary(report.textChanged, in: replica)
    if global.json {
      try JSONOutput.print(
        ApplyJSON(
          added: report.added, duplicates: report.duplicates, newConflicts: report.newConflicts,
          articles: reanchored.json))
      return
    }
    var line = "Applied \(report.added) new change\(report.added == 1 ? "" : "s")"
    if report.duplicates > 0 { line += " (\(report.duplicates) already here)" }
    line +=
      report.newConflicts > 0
      ? "; \(report.newConflicts) new conflict\(report.newConflicts == 1 ? "" : "s"): see 'folio conflicts'."
      : "."
    Console.current.out(line)
    for text in reanchored.lines(shortID: { replica.abbreviate($0) }) { Console.current.out(text) }
  }

  /// What `bundle apply --json` prints.
  struct ApplyJSON: Encodable {
    let added: Int
    let duplicates: Int
    let newConflicts: Int
    /// Articles the bundle brought a new text of, with the highlights that moved, changed
    /// or were orphaned.
    let articles: [ReanchorSummary.ArticleJSON]
  }
}

struct BundleVectorCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "vector",
    abstract:
      "Write what this replica has (its version vector), for a peer's 'bundle create --for'.",
    discussion: """
      Example:
        folio bundle vector bob.vector
      """)

  @OptionGroup var global: GlobalOptions

  @Argument(help: "The file to write; standard output when omitted.")
  var file: String?

  func run() async throws {
    let replica = try global.openReplica()
    let text = try JSONOutput.text(["vector": try replica.versionVector()])
    if let file {
      try text.write(toFile: file, atomically: true, encoding: .utf8)
      if global.json {
        try JSONOutput.print(["file": file])
      } else {
        Console.current.out("Wrote this replica's version vector to \(file).")
      }
    } else {
      Console.current.out(text)
    }
  }
}
