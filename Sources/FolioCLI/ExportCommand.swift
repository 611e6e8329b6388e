import ArgumentParser
import FolioArticles
import FolioModel
import FolioReplica
import Foundation

struct ExportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export", abstract: "Export articles and annotations.",
    discussion: """
      --json is --format json. A JSON export holds every article with its tags and every
      annotation with its id, author, time, note, colour and tags: 'folio import' restores
      them all, and importing the same file again changes nothing.

      Examples:
        folio export -o backup.json
        folio import backup.json
        folio export --format markdown 50c4 > alibaba.md
        folio export --format w3c > annotations.jsonld
      """
  ).parsedOnItsOwn

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case json
    case markdown
    case w3c
  }

  @OptionGroup var global: GlobalOptions

  @Option(help: "json (re-importable, canonical), markdown, or w3c (Web Annotation JSON-LD).")
  var format: Format = .json

  @Option(
    name: [.short, .customLong("output")],
    help: "Write to this file (atomically: all of it or, on failure, the file as it was).")
  var output: String?

  @Argument(help: "Articles to export (any unique id prefixes); all when omitted.")
  var ids: [String] = []

  func run() async throws {
    let replica = try global.openReplica()
    var articleIDs: [String]?
    if !ids.isEmpty {
      articleIDs = []
      for id in ids { articleIDs?.append(try replica.resolveArticle(id)) }
    }
    let export = try replica.export(articleIDs: articleIDs)
    let text: String
    switch global.json ? Format.json : format {
    case .json:
      var records: [ArticleRecord] = []
      for exported in export.articles {
        records.append(try replica.articleRecord(of: exported.article).sortingAnnotationsByID())
      }
      text = try JSONOutput.text(ExportDocument(articles: records))
    case .markdown:
      // Straight to a terminal, text written by others is sanitized like everywhere else;
      // to a file it is exported as written.
      let markdown = ExportRendering.markdown(export)
      text = Console.current.isTerminal && output == nil ? markdown.sanitized : markdown
    case .w3c:
      text = ExportRendering.w3c(export)
    }
    guard let output else {
      Console.current.out(text)
      return
    }
    do {
      try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
    } catch {
      throw CLIError(
        "\(output): cannot be written (\(error.localizedDescription)); nothing exported")
    }
    let count = export.articles.count
    Console.current.err("exported \(count) article\(count == 1 ? "" : "s") to \(output)")
  }
}
