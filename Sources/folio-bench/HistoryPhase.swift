import FolioArticles
import FolioModel
import FolioReplica

/// What long histories cost: whether a write (and a pulled page) costs the same on a
/// record's 10,000th change as on its first.
struct HistoryResult {
  /// Successive note edits of one annotation, each its own transaction.
  let edits: Int
  let firstEditsSeconds: Double
  let lastEditsSeconds: Double
  /// Successive tag adds and removes on one article, each its own transaction.
  let tagChanges: Int
  let firstTagSeconds: Double
  let lastTagSeconds: Double
  /// Those changes applied to a fresh replica in pages of `pageSize`, as a pull does.
  let pulledChanges: Int
  let pageSize: Int
  let firstPageSeconds: Double
  let lastPageSeconds: Double

  /// The median write of the last window over that of the first: what the ratios of sums
  /// say without a pause of the machine's (one 30 ms stall moves a sum of 0.1 s by 30%).
  let editMedianGrowth: Double
  let tagMedianGrowth: Double
  /// The median of the last full pages over that of the first ones (a page takes a few ms).
  let pageMedianGrowth: Double
  /// The median write to the records with a long history over that to fresh records, the
  /// two taken in turn: the machine's speed, which drifts over a run, weighs on both alike.
  let noteInTurn: Double
  let tagsInTurn: Double

  var editGrowth: Double { lastEditsSeconds / max(firstEditsSeconds, 1e-9) }
  var tagGrowth: Double { lastTagSeconds / max(firstTagSeconds, 1e-9) }
  var pageGrowth: Double { lastPageSeconds / max(firstPageSeconds, 1e-9) }
}

/// The history phase: one annotation's note edited `edits` times and one article tagged and
/// untagged `edits` times, timing the first and the last `window` of each; then everything
/// applied to a fresh replica in pages, timing the first and the last pages.
enum HistoryPhase {
  static func run(
    article: Article, quote: String, section: ArticleSection, edits: Int, window: Int,
    pageSize: Int, folder: String
  ) throws -> HistoryResult {
    let source = try Replica.create(at: folder + "/history.sqlite", author: "alice")
    _ = try source.importArticles([article])
    let highlight = try source.highlight(
      articleID: article.id, quote: quote, note: "first", section: section)

    var editTimes: [Double] = []
    for index in 0..<edits {
      let (_, seconds) = try MonotonicClock.time {
        try source.editAnnotation(id: highlight.id, note: "edit \(index)")
      }
      editTimes.append(seconds)
    }
    var tagTimes: [Double] = []
    for index in 0..<edits {
      let adding = index % 2 == 0
      let (_, seconds) = try MonotonicClock.time {
        try source.tag(
          .article(article.id), adding: adding ? ["watch"] : [], removing: adding ? [] : ["watch"])
      }
      tagTimes.append(seconds)
    }

    let changes = try source.changes(notCoveredBy: VersionVector())
    let (noteInTurn, tagsInTurn) = try writeInTurn(
      source, article: article, longHistory: highlight.id, quote: quote, section: section,
      count: window, from: edits)
    let target = try Replica.create(at: folder + "/history-pulled.sqlite", author: "bob")
    var pageTimes: [Double] = []
    for start in stride(from: 0, to: changes.count, by: pageSize) {
      let page = Array(changes[start..<min(changes.count, start + pageSize)])
      let (_, seconds) = try MonotonicClock.time { try target.applyRemote(page) }
      pageTimes.append(seconds)
    }
    let pages = max(1, min(3, pageTimes.count / 4))
    func medianGrowth(_ times: [Double]) -> Double {
      median(times.suffix(window)) / max(median(times.prefix(window)), 1e-9)
    }
    let medianPages = max(1, pageTimes.count / 4)
    let pageMedianGrowth =
      median(pageTimes.dropLast().suffix(medianPages))
      / max(median(pageTimes.prefix(medianPages)), 1e-9)
    return HistoryResult(
      edits: edits, firstEditsSeconds: editTimes.prefix(window).reduce(0, +),
      lastEditsSeconds: editTimes.suffix(window).reduce(0, +), tagChanges: edits,
      firstTagSeconds: tagTimes.prefix(window).reduce(0, +),
      lastTagSeconds: tagTimes.suffix(window).reduce(0, +), pulledChanges: changes.count,
      pageSize: pageSize, firstPageSeconds: pageTimes.prefix(pages).reduce(0, +),
      lastPageSeconds: pageTimes.dropLast().suffix(pages).reduce(0, +),
      editMedianGrowth: medianGrowth(editTimes), tagMedianGrowth: medianGrowth(tagTimes),
      pageMedianGrowth: pageMedianGrowth, noteInTurn: noteInTurn, tagsInTurn: tagsInTurn)
  }

  /// `count` more note edits and tag changes on the records with a long history, each
  /// followed by the same on a fresh copy of them; the median of the former over the
  /// latter's, for notes and for tags.
  private static func writeInTurn(
    _ source: Replica, article: Article, longHistory annotation: String, quote: String,
    section: ArticleSection, count: Int, from start: Int
  ) throws -> (note: Double, tags: Double) {
    var fresh = article
    fresh.id = article.id + "-fresh"
    _ = try source.importArticles([fresh])
    let freshAnnotation = try source.highlight(
      articleID: fresh.id, quote: quote, note: "first", section: section)
    var times: [[Double]] = Array(repeating: [], count: 4)
    for index in start..<(start + count) {
      let adding = index % 2 == 0
      let writes: [() throws -> Void] = [
        { try source.editAnnotation(id: annotation, note: "edit \(index)") },
        { try source.editAnnotation(id: freshAnnotation.id, note: "edit \(index)") },
        {
          try source.tag(
            .article(article.id), adding: adding ? ["watch"] : [],
            removing: adding ? [] : ["watch"])
        },
        {
          try source.tag(
            .article(fresh.id), adding: adding ? ["watch"] : [], removing: adding ? [] : ["watch"])
        },
      ]
      for (slot, write) in writes.enumerated() {
        times[slot].append(try MonotonicClock.time(write).1)
      }
    }
    return (
      median(times[0][...]) / max(median(times[1][...]), 1e-9),
      median(times[2][...]) / max(median(times[3][...]), 1e-9)
    )
  }

  /// The middle value of `times` (0 for none).
  private static func median(_ times: ArraySlice<Double>) -> Double {
    let sorted = times.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
  }
}
