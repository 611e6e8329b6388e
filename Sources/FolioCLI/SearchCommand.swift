import ArgumentParser
import FolioReplica

struct SearchCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "search", abstract: "Full-text search over articles, highlights and notes.",
    discussion: """
      Examples:
        folio search zero-day
        folio search tariff china --json
      """)

  @OptionGroup var global: GlobalOptions

  @Argument(help: "Words to find (all must match).")
  var query: [String]

  func run() async throws {
    let replica = try global.openReplica()
    let hits = try replica.search(query.joined(separator: " "))
    if global.json {
      try JSONOutput.print(
        try hits.map { hit in
          SearchHitRecord(
            article: .init(id: hit.articleId, title: hit.title),
            annotation: try hit.annotationId.map { try replica.annotationRecord(id: $0) },
            snippet: hit.snippet)
        })
      return
    }
    if hits.isEmpty {
      Console.current.out("No matches.")
      return
    }
    var lines: [String] = []
    for hit in hits {
      let place = hit.annotationId.map { " (annotation \(replica.abbreviate($0)))" } ?? ""
      lines.append(
        "\(replica.abbreviate(hit.articleId))  \(hit.title.sanitizedLine)\(place)")
      lines.append("    \(hit.snippet.sanitizedLine)")
    }
    global.page(global.style.wrap(lines.joined(separator: "\n")))
  }
}
