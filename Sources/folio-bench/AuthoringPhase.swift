import FolioArticles
import FolioModel
import FolioReplica

/// What authoring the workload through a replica's normal write path took.
struct AuthoringResult {
  let articles: Int
  let highlights: Int
  /// Changes in the replica's log afterwards.
  let changes: Int
  let seconds: Double
  let peakBytes: Int
  /// Ids of the highlights asked for by global index (article × 10 + highlight).
  let chosenHighlights: [String]

  var changesPerSecond: Double { Double(changes) / max(seconds, 1e-9) }
}

/// Local authoring: articles imported 100 per `importArticles` call (as a user importing
/// files would), then each article's highlights through `Replica.highlight`.
enum Authoring {
  enum Mode {
    /// Every highlight is its own transaction, as `folio highlight` makes it.
    case perAction
    /// Each chunk's import and highlights are one transaction (`Replica.batch`).
    case batched
  }

  /// Authors articles `0..<articles` of `workload` into a new replica at `path`.
  ///
  /// Generating the workload is not timed; creating the replica, writing, and closing it
  /// (which checkpoints the write-ahead log into the file) is.
  static func run(
    _ workload: Workload, articles: Int, path: String, author: String, mode: Mode,
    choosing chosen: [Int] = [], chunk: Int = 100
  ) throws -> AuthoringResult {
    let meter = MemoryMeter()
    let wanted = Set(chosen)
    var chosenIDs: [Int: String] = [:]
    var stopwatch = Stopwatch()
    var highlights = 0
    stopwatch.start()
    do {
      let replica = try Replica.create(at: path, author: author)
      for start in stride(from: 0, to: articles, by: chunk) {
        stopwatch.stop()
        let items = workload.articles(start..<min(articles, start + chunk))
        stopwatch.start()
        let ids: [String]
        switch mode {
        case .perAction:
          _ = try replica.importArticles(items.map(\.article))
          ids = try highlight(items, in: replica)
        case .batched:
          ids = try replica.batch {
            _ = try replica.importArticles(items.map(\.article))
            return try highlight(items, in: replica)
          }
        }
        stopwatch.stop()
        for (offset, id) in ids.enumerated() where wanted.contains(highlights + offset) {
          chosenIDs[highlights + offset] = id
        }
        highlights += ids.count
        stopwatch.start()
      }
    }  // The replica closes here, checkpointing its log into the file.
    stopwatch.stop()
    let changes = try Replica.open(at: path).changeCount()
    return AuthoringResult(
      articles: articles, highlights: highlights, changes: changes, seconds: stopwatch.seconds,
      peakBytes: meter.peakBytes, chosenHighlights: chosen.compactMap { chosenIDs[$0] })
  }

  /// Makes the highlights of `items`, in order, and returns their ids.
  private static func highlight(
    _ items: [WorkloadArticle], in replica: Replica
  ) throws -> [String] {
    var ids: [String] = []
    for item in items {
      for spec in item.highlights {
        let annotation = try replica.highlight(
          articleID: item.article.id, quote: spec.quote, note: spec.note, color: spec.color,
          section: spec.section)
        ids.append(annotation.id)
      }
    }
    return ids
  }
}
