import ArgumentParser
import FolioArticles
import FolioModel
import FolioReplica
import Foundation

struct ExportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export", abstract: "Export articles and annotations.",
    discussion: """
      --json is --format json.

      Examples:
        folio export > backup.json
        folio export --format markdown 50c4 > alibaba.md
        folio export --format w3c > annotations.jsonld
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case json
    case markdown
    case w3c
  }

  @OptionGroup var global: GlobalOptions

  @Option(help: "json (re-importable, canonical), markdown, or w3c (Web Annotation JSON-LD).")
  var format: Format = .json

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
    switch global.json ? Format.json : format {
    case .json:
      Console.current.out(try JSONOutput.text(export))
    case .markdown:
      // Straight to a terminal, text written by others is sanitized like everywhere else;
      // to a file it is exported as written.
      let markdown = ExportRendering.markdown(export)
      Console.current.out(Console.current.isTerminal ? markdown.sanitized : markdown)
    case .w3c:
      Console.current.out(ExportRendering.w3c(export))
    }
  }
}
