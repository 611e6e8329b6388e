import ArgumentParser
import FolioReplica

struct ListCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List articles.",
    discussion: """
      Examples:
        folio list
        folio list --tag china --limit 0
        folio list --json | jq -r '.[].id'
      """)

  @OptionGroup var global: GlobalOptions

  @Option(help: "Only articles with this tag.")
  var tag: String?

  @Option(
    help: "Show at most this many articles (default 100 on screen, all with --json; 0 for all).")
  var limit: Int?

  func validate() throws {
    if let limit, limit < 0 { throw ValidationError("--limit takes 0 (all) or more") }
  }

  func run() async throws {
    let replica = try global.openReplica()
    let shown = limit ?? (global.json ? 0 : 100)
    let articles = try replica.listArticles(tag: tag, limit: shown == 0 ? nil : shown)
    if global.json {
      try JSONOutput.print(
        articles.map {
          ArticleRecord(
            id: $0.id, title: $0.title, tags: $0.tags, annotationCount: $0.annotationCount,
            detail: nil)
        })
      return
    }
    if articles.isEmpty {
      Console.current.out(
        tag == nil
          ? "No articles yet: try 'folio import FILE'."
          : "No article is tagged \((tag ?? "").sanitizedLine).")
    }
    // Many rows: one pass over all ids beats a few lookups per row.
    let abbreviations = articles.count > 200 ? try replica.articleAbbreviations() : [:]
    var lines: [String] = []
    lines.reserveCapacity(articles.count)
    for article in articles {
      let tags =
        article.tags.isEmpty
        ? "" : "  " + article.tags.map { "#" + $0.sanitizedLine }.joined(separator: " ")
      let count =
        article.annotationCount == 0
        ? "" : "  (\(article.annotationCount) annotation\(article.annotationCount == 1 ? "" : "s"))"
      let id = abbreviations[article.id] ?? replica.abbreviate(article.id)
      lines.append("\(id)  \(article.title.sanitizedLine)\(count)\(tags)")
    }
    if shown > 0, articles.count == shown {
      let total = try replica.articleCount(tag: tag)
      if total > shown {
        lines.append("… and \(total - shown) more: 'folio list --limit 0' shows all")
      }
    }
    if !lines.isEmpty { global.page(lines.joined(separator: "\n")) }
  }
}
