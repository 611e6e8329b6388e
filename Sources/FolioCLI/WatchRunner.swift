import FolioReplica
import FolioSync
import Foundation

/// `folio sync --watch`: syncs, then stays connected until SIGINT (Ctrl-C) or SIGTERM,
/// printing a line for each sync that moved changes.
struct WatchRunner {
  let global: GlobalOptions
  let remote: String
  let token: String?

  func run() async throws {
    let global = global
    let remote = remote
    let token = token
    // The watch runs in its own task so a signal can cancel it: cancelling ends the long
    // poll in flight and the watch returns between two syncs, each of which is atomic.
    let watch = Task {
      let replica = try global.openReplica()
      Console.current.out("Watching \(remote) (Ctrl-C stops).")
      try await SyncClient().watch(replica, remote: remote, tokenOverride: token) { event in
        Self.report(event, remote: remote, replica: replica)
      }
    }
    let signals = [SIGINT, SIGTERM].map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { watch.cancel() }
      source.resume()
      return source
    }
    defer { signals.forEach { $0.cancel() } }
    try await watch.value
    Console.current.out("Stopped watching \(remote).")
  }

  private static func report(_ event: WatchEvent, remote: String, replica: Replica) {
    let time = TimeText.iso(UInt64(Date().timeIntervalSince1970 * 1_000))
    switch event {
    case .synced(let summary):
      var line = "\(time) pulled \(summary.pulled), pushed \(summary.pushed)"
      if summary.newConflicts > 0 {
        line += ", \(summary.newConflicts) new conflict\(summary.newConflicts == 1 ? "" : "s")"
      }
      Console.current.out(line)
      for note in summary.notes { Console.current.err("\(time) note: \(note)") }
      // Where the highlights of articles with a new text went.
      let reanchored = try? ReanchorSummary(summary.textChanged, in: replica)
      for text in reanchored?.lines(shortID: { replica.abbreviate($0) }) ?? [] {
        Console.current.out(text)
      }
    case .disconnected(let reason, let retryIn):
      let seconds =
        Double(retryIn.components.seconds) + Double(retryIn.components.attoseconds) / 1e18
      Console.current.err("\(time) \(reason); retrying in \(String(format: "%.1f", seconds)) s")
    case .reconnected:
      Console.current.err("\(time) reconnected to \(remote)")
    }
  }
}
