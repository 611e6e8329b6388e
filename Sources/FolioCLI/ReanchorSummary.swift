import FolioArticles
import FolioReplica

/// Where the highlights of articles that got a new text went, as `import`, `sync` and
/// `bundle apply` tell it.
struct ReanchorSummary {
  /// One article whose text changed, and its highlights that moved, changed or were
  /// orphaned (empty when every highlight landed where it was).
  struct Entry {
    let id: String
    let title: String
    let changes: [ReanchorChange]
  }

  let entries: [Entry]

  /// Compares each article's text before with its text now.
  init(_ changed: [ArticleBefore], in replica: Replica) throws {
    var entries: [Entry] = []
    for before in changed {
      guard let now = try replica.article(id: before.article.id) else { continue }
      entries.append(
        Entry(
          id: now.id, title: now.title,
          changes: ReanchorReport.changes(
            from: before.article, to: now, annotations: before.annotations)))
    }
    self.entries = entries
  }

  /// The lines people read: an article line, then one per highlight that moved.
  func lines(shortID: (String) -> String) -> [String] {
    entries.flatMap { entry in
      ["\(shortID(entry.id))  new text: \(entry.title.sanitizedLine)"]
        + entry.changes.map {
          ImportCommand.describe($0, shortID: shortID($0.annotationID)).sanitized
        }
    }
  }

  /// What `--json` carries.
  var json: [ArticleJSON] {
    entries.map {
      ArticleJSON(
        id: $0.id, title: $0.title,
        highlights: $0.changes.map(ImportCommand.HighlightChangeJSON.init))
    }
  }

  struct ArticleJSON: Encodable {
    let id: String
    let title: String
    let highlights: [ImportCommand.HighlightChangeJSON]
  }
}
