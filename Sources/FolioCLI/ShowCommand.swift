import ArgumentParser
import FolioArticles
import FolioModel
import FolioReplica

struct ShowCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Show an article with its highlights and notes.",
    discussion: """
      Highlighted passages are marked in colour on a terminal ([like this][1] elsewhere) and
      numbered; ARTICLE#N names the N-th annotation in other commands. Long text is wrapped
      to the terminal's width and shown through a pager ($FOLIO_PAGER, $PAGER, less -FRX).

      Examples:
        folio show 50c4
        folio show 50c4 --no-pager --color never
        folio show 50c4 --json | jq '.annotations[] | .quote'
      """
  ).parsedOnItsOwn.parsedOnItsOwn

  @OptionGroup var global: GlobalOptions

  @Argument(help: "The article (any unique id prefix).")
  var article: String

  func run() async throws {
    let replica = try global.openReplica()
    // One snapshot for every query: the article, its annotations, conflicts and short ids.
    let shown = try replica.reading {
      try Shown(article, in: replica, json: global.json, global.style)
    }
    switch shown {
    case .record(let record): try JSONOutput.print(record)
    case .text(let text): global.page(text)
    }
  }

  /// What `show` prints: the JSON record, or the rendered article.
  private enum Shown {
    case record(ArticleRecord)
    case text(String)

    init(_ prefix: String, in replica: Replica, json: Bool, _ style: OutputStyle) throws {
      let id = try replica.resolveArticle(prefix)
      guard let article = try replica.article(id: id) else { throw ReplicaError.unknownID(id) }
      let anchored = try replica.numberedAnnotations(of: article)
      var annotationConflicts: [String: [String]] = [:]
      for item in anchored {
        let fields = try replica.conflictedFields(of: .annotation(item.annotation.id))
        if !fields.isEmpty { annotationConflicts[item.annotation.id] = fields }
      }
      let articleConflicts = try replica.conflictedFields(of: .article(id))
      if json {
        self = .record(
          ArticleRecord(
            id: id, title: article.title, tags: article.tags, annotationCount: anchored.count,
            detail: ArticleRecord.Detail(
              article: article, conflicts: articleConflicts,
              annotations: anchored.map {
                AnnotationRecord(
                  $0, in: article, conflicts: annotationConflicts[$0.annotation.id] ?? [])
              })))
        return
      }
      let renderer = ArticleRenderer(
        article: article, annotations: anchored, conflictedFields: Set(articleConflicts),
        annotationConflicts: annotationConflicts, style: style,
        shortID: { replica.abbreviate($0) })
      self = .text(renderer.render())
    }
  }
}
