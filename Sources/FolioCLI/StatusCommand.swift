import ArgumentParser
import FolioReplica

struct StatusCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status", abstract: "Site, author, changes, conflicts and sync state.")

  @OptionGroup var global: GlobalOptions

  struct Status: Encodable {
    let store: String
    let site: String
    let author: String
    let articles: Int
    let changes: Int
    let conflicts: Int
  }

  func run() async throws {
    let replica = try global.openReplica()
    let status = Status(
      store: replica.path, site: replica.site.rawValue, author: replica.author,
      articles: try replica.listArticles().count, changes: try replica.changeCount(),
      conflicts: try replica.conflictCount())
    if global.json {
      try JSONOutput.print(status)
      return
    }
    Console.current.out("Replica   \(status.store)")
    Console.current.out("Site      \(status.site)")
    Console.current.out("Author    \(status.author)")
    Console.current.out("Articles  \(status.articles), changes \(status.changes)")
    Console.current.out(
      "Conflicts \(status.conflicts)\(status.conflicts > 0 ? " (see 'folio conflicts')" : "")")
  }
}
