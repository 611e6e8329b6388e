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
      """)

  @OptionGroup var global: GlobalOptions

  @Argument(help: "The article (any unique id prefix).")
  var article: String

  func run() async throws {
    let replica = try global.openReplica()
    let id = try replica.resolveArticle(article)
    guard let article = try replica.article(id: id) else { throw ReplicaError.unknownID(id) }
    let anchored = try replica.numberedAnnotations(of: article)
    var annotationConflicts: [String: [String]] = [:]
    for item in anchored {
      let fields = try replica.conflictedFields(of: .annotation(item.annotation.id))
      if !fields.isEmpty { annotationConflicts[item.annotation.id] = fields }
    }
    let articleConflicts = try replica.conflictedFields(of: .article(id))
    if global.json {
      try JSONOutput.print(
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
      annotationConflicts: annotationConflicts, style: global.style,
      shortID: { replica.abbreviate($0) })
    global.page(renderer.render())
  }
}
