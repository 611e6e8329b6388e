import ArgumentParser
import FolioReplica

struct ListCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List articles.")

  @OptionGroup var global: GlobalOptions

  @Option(help: "Only articles with this tag.")
  var tag: String?

  func run() async throws {
    let replica = try global.openReplica()
    let articles = try replica.listArticles(tag: tag)
    if global.json {
      try JSONOutput.print(articles)
      return
    }
    if articles.isEmpty {
      Console.current.out(
        tag == nil
          ? "No articles yet: try 'folio import FILE'." : "No article is tagged \(tag ?? "").")
    }
    let abbreviations = try replica.articleAbbreviations()
    var lines: [String] = []
    lines.reserveCapacity(articles.count)
    for article in articles {
      let tags =
        article.tags.isEmpty ? "" : "  " + article.tags.map { "#" + $0 }.joined(separator: " ")
      let count =
        article.annotationCount == 0
        ? "" : "  (\(article.annotationCount) annotation\(article.annotationCount == 1 ? "" : "s"))"
      let id = abbreviations[article.id] ?? article.id
      lines.append("\(id)  \(article.title)\(count)\(tags)")
    }
    if !lines.isEmpty { Console.current.out(lines.joined(separator: "\n")) }
  }
}
