import ArgumentParser
import FolioReplica

struct SearchCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "search", abstract: "Full-text search over articles, highlights and notes.")

  @OptionGroup var global: GlobalOptions

  @Argument(help: "Words to find (all must match).")
  var query: [String]

  func run() async throws {
    let replica = try global.openReplica()
    let hits = try replica.search(query.joined(separator: " "))
    if global.json {
      try JSONOutput.print(hits)
      return
    }
    if hits.isEmpty { Console.current.out("No matches.") }
    for hit in hits {
      let place = hit.annotationId.map { " (annotation \(replica.abbreviate($0)))" } ?? ""
      Console.current.out("\(replica.abbreviate(hit.articleId))  \(hit.title)\(place)")
      Console.current.out("    \(hit.snippet.replacingOccurrences(of: "\n", with: " "))")
    }
  }
}
