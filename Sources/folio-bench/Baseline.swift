import FolioArticles
import FolioModel
import FolioSQLite
import Foundation

/// What inserting the workload into plain tables took: the speed and size SQLite itself
/// gives, which every Folio figure is compared to.
struct BaselineResult {
  let articles: Int
  let annotations: Int
  /// Field values written, counted like Folio's changes (`Workload.fieldWritesPerArticle`).
  let fieldWrites: Int
  let seconds: Double
  let fileBytes: Int
  let peakBytes: Int

  var fieldWritesPerSecond: Double { Double(fieldWrites) / max(seconds, 1e-9) }
}

/// The same logical rows as Folio's, in plain tables through FolioSQLite: no op log, no
/// merge, no full-text index, one transaction, prepared statements.
///
/// Articles (id, title, summary, background, insights JSON, tags JSON) and annotations (id,
/// article id, selector JSON with the quote, note, colour), keyed by id, with annotations
/// indexed by article as `show` needs. Generating the workload and encoding its JSON
/// columns is not timed; opening, inserting, committing and closing (which checkpoints the
/// write-ahead log into the file) is.
enum Baseline {
  static let schema = """
    CREATE TABLE articles (
      id TEXT PRIMARY KEY, title TEXT NOT NULL, summary TEXT NOT NULL,
      background TEXT NOT NULL, insights TEXT NOT NULL, tags TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE annotations (
      id TEXT PRIMARY KEY, article_id TEXT NOT NULL, selector TEXT NOT NULL,
      note TEXT, color TEXT
    ) WITHOUT ROWID;
    CREATE INDEX annotations_by_article ON annotations (article_id);
    """

  private struct ArticleRow {
    let id: String
    let title: String
    let summary: String
    let background: String
    let insights: String
    let tags: String
  }

  private struct AnnotationRow {
    let id: String
    let articleID: String
    let selector: String
    let note: String
    let color: String
  }

  static func run(_ workload: Workload, path: String, chunk: Int = 100) throws -> BaselineResult {
    let meter = MemoryMeter()
    var stopwatch = Stopwatch()
    var annotationCount = 0
    stopwatch.start()
    do {
      let db = try Connection(path: path)
      try db.execute(schema)
      try db.execute("BEGIN IMMEDIATE")
      let insertArticle = try db.prepare(
        "INSERT INTO articles (id, title, summary, background, insights, tags) "
          + "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      let insertAnnotation = try db.prepare(
        "INSERT INTO annotations (id, article_id, selector, note, color) "
          + "VALUES (?1, ?2, ?3, ?4, ?5)")
      var rows = Rows(workload: workload)
      for start in stride(from: 0, to: workload.count, by: chunk) {
        stopwatch.stop()
        let (articleRows, annotationRows) = try rows.make(
          start..<min(workload.count, start + chunk))
        annotationCount += annotationRows.count
        stopwatch.start()
        for row in articleRows {
          try insertArticle.run([
            row.id, row.title, row.summary, row.background, row.insights, row.tags,
          ])
        }
        for row in annotationRows {
          try insertAnnotation.run([row.id, row.articleID, row.selector, row.note, row.color])
        }
      }
      try db.execute("COMMIT")
    }  // The connection closes here, checkpointing its log into the file.
    stopwatch.stop()
    return BaselineResult(
      articles: workload.count, annotations: annotationCount, fieldWrites: workload.fieldWrites,
      seconds: stopwatch.seconds, fileBytes: FileSize.databaseBytes(path),
      peakBytes: meter.peakBytes)
  }

  /// Makes the rows of chunks of the workload, with their JSON columns encoded.
  private struct Rows {
    let workload: Workload
    let encoder: JSONEncoder
    var ids: SplitMix64
    var made = 0

    init(workload: Workload) {
      self.workload = workload
      encoder = JSONEncoder()
      encoder.outputFormatting = .sortedKeys
      ids = SplitMix64(seed: workload.seed ^ 0xBA5E_11E0)
    }

    mutating func make(_ range: Range<Int>) throws -> ([ArticleRow], [AnnotationRow]) {
      var articleRows: [ArticleRow] = []
      var annotationRows: [AnnotationRow] = []
      for item in workload.articles(range) {
        let article = item.article
        articleRows.append(
          ArticleRow(
            id: article.id, title: article.title, summary: article.summary,
            background: article.background, insights: try json(article.insights),
            tags: try json(article.tags)))
        for highlight in item.highlights {
          let selector = try Anchoring.select(
            quote: highlight.quote, in: article, section: highlight.section)
          // Time-ordered ids, as the previous release made them.
          let time = String(1_700_000_000_000 + UInt64(made), radix: 16)
          let id =
            String(repeating: "0", count: 12 - time.count) + time
            + AnnotationID.make(using: &ids).prefix(20)
          made += 1
          annotationRows.append(
            AnnotationRow(
              id: id, articleID: article.id, selector: try json(selector),
              note: highlight.note, color: highlight.color))
        }
      }
      return (articleRows, annotationRows)
    }

    private func json(_ value: some Encodable) throws -> String {
      String(decoding: try encoder.encode(value), as: UTF8.self)
    }
  }
}
