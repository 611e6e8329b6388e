import ArgumentParser
import FolioReplica

struct SearchCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "search", abstract: "Full-text search over articles, highlights and notes.",
    discussion: """
      Every word must match, in any field; the best matches come first. "Quoted words" match
      as a phrase; word* matches words starting with it, and so does the last word of the
      query. Chinese, Japanese, Korean, Thai and other text written without spaces is
      matched anywhere inside the text (小米 finds 小米汽车). Upper and lower case, and
      accents, do not matter.

      Examples:
        folio search zero-day
        folio search '"trade deal"' subsid*
        folio search tariff --tag china --limit 50
        folio search claims --only annotations --author alice --json
      """
  ).parsedOnItsOwn

  enum Only: String, ExpressibleByArgument, CaseIterable {
    case articles
    case annotations
  }

  @OptionGroup var global: GlobalOptions

  @Argument(help: "Words and \"quoted phrases\" to find (all must match).")
  var query: [String]

  @Option(help: "Show at most this many results (the rest are counted).")
  var limit = 20

  @Option(help: "Only articles, or only highlights and notes.")
  var only: Only?

  @Option(help: "Only records with this tag (an annotation also when its article has it).")
  var tag: String?

  @Option(help: "Only highlights and notes by this author.")
  var author: String?

  func validate() throws {
    if query.isEmpty { throw ValidationError("give at least one word to search for") }
    if limit < 1 { throw ValidationError("--limit must be 1 or more") }
  }

  func run() async throws {
    let replica = try global.openReplica()
    let scope: SearchRequest.Scope =
      switch only {
      case nil: .all
      case .articles?: .articles
      case .annotations?: .annotations
      }
    if only == .articles, author != nil {
      throw CLIError("--author filters highlights and notes: it cannot go with --only articles")
    }
    let results = try replica.search(
      SearchRequest(
        query: query.joined(separator: " "), limit: limit, scope: scope,
        tag: tag.map { $0.hasPrefix("#") ? String($0.dropFirst()) : $0 }, author: author))
    let more = results.total - results.hits.count
    let moreLine = "\(more) more (use --limit \(results.total) to see them all)"
    if global.json {
      try JSONOutput.print(
        try results.hits.map { hit in
          SearchHitRecord(
            article: .init(id: hit.articleId, title: hit.title),
            annotation: try hit.annotationId.map { try replica.annotationRecord(id: $0) },
            snippet: hit.snippet)
        })
      if more > 0 { Console.current.err(moreLine) }
      return
    }
    if results.hits.isEmpty {
      Console.current.out("No matches.")
      return
    }
    var lines: [String] = []
    for hit in results.hits {
      let place = hit.annotationId.map { " (annotation \(replica.abbreviate($0)))" } ?? ""
      lines.append(
        "\(replica.abbreviate(hit.articleId))  \(hit.title.sanitizedLine)\(place)")
      lines.append("    " + global.style.marked(hit.snippet))
    }
    if more > 0 { lines.append(moreLine) }
    global.page(global.style.wrap(lines.joined(separator: "\n")))
  }
}
