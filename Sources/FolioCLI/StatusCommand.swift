import ArgumentParser
import FolioReplica

struct StatusCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status", abstract: "Site, author, changes, conflicts and sync state.",
    discussion: """
      Examples:
        folio status
        folio status --json
      """
  ).parsedOnItsOwn

  @OptionGroup var global: GlobalOptions

  struct Status: Encodable {
    let store: String
    let site: String
    let author: String
    let articles: Int
    let changes: Int
    let conflicts: Int
    let remotes: [RemoteStatus]
  }

  struct RemoteStatus: Encodable {
    let name: String
    let url: String
    let unpushed: Int
    let lastSync: String?
    /// For people: local time.
    let lastSyncShown: String?

    enum CodingKeys: String, CodingKey { case name, url, unpushed, lastSync }
  }

  func run() async throws {
    let replica = try global.openReplica()
    let status = Status(
      store: replica.path, site: replica.site.rawValue, author: replica.author,
      // Counted, not listed: a listing reads every article's row and annotations.
      articles: try replica.listArticles(ArticleListRequest(limit: 0)).total,
      changes: try replica.changeCount(),
      conflicts: try replica.conflictCount(),
      remotes: try replica.remotes().map { remote throws(ReplicaError) in
        RemoteStatus(
          name: remote.name, url: remote.url, unpushed: try replica.unpushedCount(remote: remote),
          lastSync: remote.lastSync.map(TimeText.iso),
          lastSyncShown: remote.lastSync.map { TimeText.short($0) })
      })
    if global.json {
      try JSONOutput.print(status)
      return
    }
    Console.current.out("Replica   \(status.store)")
    Console.current.out("Site      \(status.site)")
    Console.current.out("Author    \(status.author.sanitizedLine)")
    Console.current.out("Articles  \(status.articles), changes \(status.changes)")
    Console.current.out(
      "Conflicts \(status.conflicts)\(status.conflicts > 0 ? " (see 'folio conflicts')" : "")")
    if status.remotes.isEmpty {
      Console.current.out("Remotes   none (offline; exchange bundles or 'folio remote add')")
    }
    for remote in status.remotes {
      let when = remote.lastSyncShown.map { "last sync \($0)" } ?? "never synced"
      Console.current.out(
        "Remote    \(remote.name) \(remote.url): \(remote.unpushed) unpushed change\(remote.unpushed == 1 ? "" : "s"), \(when)"
      )
    }
  }
}
