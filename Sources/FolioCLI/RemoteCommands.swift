import ArgumentParser
import FolioReplica
import FolioSync
import Foundation

struct RemoteCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "remote", abstract: "Manage the sync servers this replica talks to.",
    discussion: """
      Examples:
        folio remote add team https://folio.example.org --space newsroom
        folio remote list
        folio remote set-url team https://folio2.example.org
      """,
    subcommands: [
      RemoteAddCommand.self, RemoteListCommand.self, RemoteSetURLCommand.self,
      RemoteRemoveCommand.self,
    ]
  ).parsedOnItsOwn
}

struct RemoteAddCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add", abstract: "Add a remote.",
    discussion: """
      The token is read from $FOLIO_TOKEN, else from standard input (a prompt that does not
      echo on a terminal), so that it stays out of 'ps' and shell history. http:// is
      refused for any host but this machine (127.0.0.1, ::1, localhost) unless --insecure:
      use https:// (a TLS proxy in front of folio-server) across a network.

      Examples:
        folio remote add team https://folio.example.org --space newsroom   # asks for the token
        FOLIO_TOKEN=$(cat ~/.folio-token) folio remote add team https://folio.example.org --space newsroom
        folio remote add team http://127.0.0.1:8080 --space newsroom < token.txt
      """)

  @OptionGroup var global: GlobalOptions

  @Argument(help: "A short name for the remote, e.g. team.")
  var name: String

  @Argument(help: "The server's URL, e.g. http://127.0.0.1:8080.")
  var url: String

  @Option(help: "The team's space on the server.")
  var space: String

  @Option(
    help: ArgumentHelp(
      "Your token for that space. Other users see it in 'ps': prefer $FOLIO_TOKEN or standard input."
    ))
  var token: String?

  @Flag(help: "Allow http:// to a host other than this machine (the token travels in clear text).")
  var insecure = false

  func run() async throws {
    try RemoteSecurity.checkURL(url, insecure: insecure)
    let replica = try global.openReplica()
    let token = try RemoteSecurity.token(
      flag: token, environment: ProcessInfo.processInfo.environment,
      input: { RemoteSecurity.readStandardInput(prompt: "Token for \(space) at \(url): ") })
    try replica.addRemote(name: name, url: url, space: space, token: token)
    if global.json {
      try JSONOutput.print(["name": name, "url": url, "space": space])
    } else {
      Console.current.out("Added remote \(name) (\(url), space \(space)).")
    }
  }
}

struct RemoteListCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List remotes.",
    discussion: """
      Example:
        folio remote list --json
      """)

  @OptionGroup var global: GlobalOptions

  struct Entry: Encodable {
    let name: String
    let url: String
    let space: String
    let lastSync: String?
    let unpushed: Int
  }

  func run() async throws {
    let replica = try global.openReplica()
    let entries = try replica.remotes().map { remote throws(ReplicaError) in
      Entry(
        name: remote.name, url: remote.url, space: remote.space,
        lastSync: remote.lastSync.map(TimeText.iso),
        unpushed: try replica.unpushedCount(remote: remote))
    }
    if global.json {
      try JSONOutput.print(entries)
      return
    }
    if entries.isEmpty { Console.current.out("No remotes.") }
    for entry in entries {
      Console.current.out("\(entry.name)  \(entry.url)  space \(entry.space)")
    }
  }
}

struct RemoteSetURLCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "set-url", abstract: "Point a remote at its server's new URL.",
    discussion: """
      The remote keeps its space, its token and how far it has synced: nothing is pulled or
      pushed again. Should the URL lead to another server, the next sync notices and starts
      that server's history from the beginning. http:// is refused for any host but this
      machine unless --insecure, as for 'remote add'.

      Example:
        folio remote set-url team https://folio2.example.org
      """)

  @OptionGroup var global: GlobalOptions

  @Argument(help: "The remote's name.")
  var name: String

  @Argument(help: "The server's new URL.")
  var url: String

  @Flag(help: "Allow http:// to a host other than this machine (the token travels in clear text).")
  var insecure = false

  func run() async throws {
    try RemoteSecurity.checkURL(url, insecure: insecure)
    let replica = try global.openReplica()
    try replica.setRemoteURL(name: name, url: url)
    let stored = try replica.remote(named: name)?.url ?? url
    if global.json {
      try JSONOutput.print(["name": name, "url": stored])
    } else {
      Console.current.out("Remote \(name) now points at \(stored).")
    }
  }
}

struct RemoteRemoveCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "remove", abstract: "Remove a remote.",
    discussion: """
      Example:
        folio remote remove team
      """)

  @OptionGroup var global: GlobalOptions

  @Argument(help: "The remote's name.")
  var name: String

  func run() async throws {
    try global.openReplica().removeRemote(name: name)
    if global.json {
      try JSONOutput.print(["name": name])
    } else {
      Console.current.out("Removed remote \(name).")
    }
  }
}

struct SyncCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sync", abstract: "Pull the team's changes, then push yours.",
    discussion: """
      Every change pulled is verified against the signatures of the replica that made it
      before it is applied; yours are pushed under a signature of this replica's key. After a
      bundle brought other replicas' changes, the sync also relays to the server those it
      lacks (a replica that never synced itself is skipped, with a note).

      Examples:
        folio sync
        folio sync team --json
      """
  ).parsedOnItsOwn.parsedOnItsOwn

  @OptionGroup var global: GlobalOptions

  @Argument(help: "The remote (optional when there is only one).")
  var remote: String?

  @Flag(help: "Stay connected: apply the team's changes as they are pushed, until Ctrl-C.")
  var watch = false

  func run() async throws {
    let replica = try global.openReplica()
    let name: String
    if let remote {
      name = remote
    } else {
      let names = try replica.remotes().map(\.name)
      guard names.count == 1, let only = names.first else { throw SyncError.chooseRemote(names) }
      name = only
    }
    let bar = ProgressBar(enabled: isatty(STDERR_FILENO) == 1)
    let token = ProcessInfo.processInfo.environment["FOLIO_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    if watch {
      try await WatchRunner(global: global, remote: name, token: token).run()
      return
    }
    let summary = try await SyncClient().sync(replica, remote: name, tokenOverride: token) {
      bar.update($0)
    }
    bar.finish()
    let reanchored = try ReanchorSummary(summary.textChanged, in: replica)
    if summary.historyRestarted {
      Console.current.err(
        "note: the server's history changed since the last sync (restored from a backup?);"
          + " read it again and pushed again what it had lost")
    }
    if let skew = summary.clockSkew { Console.current.err("warning: \(skew)") }
    for note in summary.notes { Console.current.err("note: \(note)") }
    if global.json {
      try JSONOutput.print(
        SyncJSON(
          pulled: summary.pulled, pushed: summary.pushed, newConflicts: summary.newConflicts,
          articles: reanchored.json))
      return
    }
    var line = "Synced with \(name): pulled \(summary.pulled), pushed \(summary.pushed)"
    if summary.relayed > 0 { line += ", relayed \(summary.relayed) of other replicas'" }
    line +=
      summary.newConflicts > 0
      ? ", \(summary.newConflicts) new conflict\(summary.newConflicts == 1 ? "" : "s") (see 'folio conflicts')."
      : ", no new conflicts."
    Console.current.out(line)
    for text in reanchored.lines(shortID: { replica.abbreviate($0) }) { Console.current.out(text) }
  }

  /// What `sync --json` prints.
  struct SyncJSON: Encodable {
    let pulled: Int
    let pushed: Int
    let newConflicts: Int
    /// Articles the sync brought a new text of, with the highlights that moved, changed or
    /// were orphaned.
    let articles: [ReanchorSummary.ArticleJSON]
  }
}

/// A one-line progress display on standard error, shown only on a terminal and only once a
/// sync has run for a moment (short syncs print nothing but their summary).
final class ProgressBar {
  private let enabled: Bool
  private let started = Date()
  private var shown = false

  init(enabled: Bool) { self.enabled = enabled }

  func update(_ progress: SyncProgress) {
    guard enabled, Date().timeIntervalSince(started) > 0.5 else { return }
    shown = true
    var text = "\r\(progress.phase.rawValue) \(progress.done)"
    if let total = progress.total, total > 0 {
      let width = 30
      let filled = min(width, progress.done * width / total)
      text =
        "\r\(progress.phase.rawValue) [\(String(repeating: "#", count: filled))\(String(repeating: " ", count: width - filled))] \(progress.done)/\(total)"
    }
    Console.current.errRaw(text + " changes\u{1B}[K")
  }

  func finish() {
    if shown { Console.current.errRaw("\r\u{1B}[K") }
  }
}
