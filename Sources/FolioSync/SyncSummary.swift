import FolioModel
import FolioReplica

/// What one sync did, for the one-line summary and the benchmarks.
public struct SyncSummary: Equatable, Sendable {
  /// Changes new to this replica.
  public var pulled = 0
  /// Changes the server accepted (not counting ones it already had).
  public var pushed = 0
  /// Other sites' changes relayed to the server (received by bundle, lacking there).
  public var relayed = 0
  /// Things a person should know that did not stop the sync (a site not relayed, and why).
  public var notes: [String] = []
  /// Conflicts that appeared.
  public var newConflicts = 0
  /// HTTP requests made.
  public var requests = 0
  /// Bytes of request and response bodies and headers, as sent on the wire.
  public var bytesSent = 0
  public var bytesReceived = 0
  /// Articles whose text the pulled changes altered, as they were before the sync (with
  /// their annotations then), to tell where their highlights went.
  public var textChanged: [ArticleBefore] = []
  /// The server's history was not the one the cursor came from (restored from a backup): the
  /// sync read it again from the start and pushed again what the server had lost.
  public var historyRestarted = false
  /// The server's clock and this machine's disagree by more than the clock's tolerance.
  public var clockSkew: ClockSkew?

  public init() {}

  /// Adds the articles a page changed, keeping for each its state before the first page.
  mutating func record(_ changed: [ArticleBefore]) {
    for article in changed
    where !textChanged.contains(where: { $0.article.id == article.article.id }) {
      textChanged.append(article)
    }
  }
}

/// Progress of a long sync, reported after each page.
public struct SyncProgress: Equatable, Sendable {
  public enum Phase: String, Sendable {
    case pulling
    case pushing
  }

  public var phase: Phase
  /// Changes handled so far in this phase.
  public var done: Int
  /// Changes to handle in this phase, when known.
  public var total: Int?
}
