import ArgumentParser
import FolioReplica

extension ArticleListRequest.Sort: ExpressibleByArgument {}

struct ListCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List articles.",
    discussion: """
      Dates are YYYY-MM-DD (or any prefix of it, like 2026-11), compared with each article's
      published date.

      Examples:
        folio list
        folio list --tag china --limit 0
        folio list --annotated-by alice --sort recent
        folio list --since 2026-11-01 --until 2026-11-30 --sort published
        folio list --json | jq -r '.[].id'
      """
  ).parsedOnItsOwn

  @OptionGroup var global: GlobalOptions

  @Option(help: "Only articles with this tag.")
  var tag: String?

  @Option(help: "Only articles this author highlighted or noted.")
  var annotatedBy: String?

  @Option(help: "Only articles published on or after this date.")
  var since: String?

  @Option(help: "Only articles published on or before this date.")
  var until: String?

  @Option(
    help:
      "Order: title, published (newest first), annotations (most first), recent (latest annotated first)."
  )
  var sort: ArticleListRequest.Sort = .title

  @Option(
    help: "Show at most this many articles (default 100 on screen, all with --json; 0 for all).")
  var limit: Int?

  func validate() throws {
    if let limit, limit < 0 { throw ValidationError("--limit takes 0 (all) or more") }
    for (name, date) in [("--since", since), ("--until", until)] {
      guard let date else { continue }
      let valid =
        date.count <= 10 && !date.isEmpty
        && date.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "-") }
      if !valid { throw ValidationError("\(name) takes a date such as 2026-11-27") }
    }
  }

  func run() async throws {
    let replica = try global.openReplica()
    let shown = limit ?? (global.json ? 0 : 100)
    let request = ArticleListRequest(
      tag: tag.map { $0.hasPrefix("#") ? String($0.dropFirst()) : $0 }, annotatedBy: annotatedBy,
      publishedSince: since, publishedUntil: until, sort: sort, limit: shown == 0 ? nil : shown)
    let (articles, total, shortIDs) = try replica.reading {
      let (articles, total) = try replica.listArticles(request)
      return (articles, total, global.json ? [:] : try Self.shortIDs(of: articles, in: replica))
    }
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
      let filtered = tag != nil || annotatedBy != nil || since != nil || until != nil
      Console.current.out(
        filtered ? "No article matches." : "No articles yet: try 'folio import FILE'.")
    }
    var lines: [String] = []
    lines.reserveCapacity(articles.count)
    for article in articles {
      let tags =
        article.tags.isEmpty
        ? "" : "  " + article.tags.map { "#" + $0.sanitizedLine }.joined(separator: " ")
      let count =
        article.annotationCount == 0
        ? "" : "  (\(article.annotationCount) annotation\(article.annotationCount == 1 ? "" : "s"))"
      let id = shortIDs[article.id] ?? article.id
      lines.append("\(id)  \(article.title.sanitizedLine)\(count)\(tags)")
    }
    if shown > 0, total > articles.count {
      lines.append("… and \(total - articles.count) more: 'folio list --limit 0' shows all")
    }
    if !lines.isEmpty { global.page(lines.joined(separator: "\n")) }
  }

  /// The shortest unambiguous prefix of each listed article's id.
  private static func shortIDs(
    of articles: [ArticleSummary], in replica: Replica
  ) throws -> [String: String] {
    // Many rows: one pass over all ids beats a few lookups per row.
    if articles.count > 200 { return try replica.articleAbbreviations() }
    return Dictionary(
      articles.map { ($0.id, replica.abbreviate($0.id)) }, uniquingKeysWith: { first, _ in first })
  }
}
