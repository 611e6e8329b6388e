import ArgumentParser
import FolioArticles
import FolioModel
import FolioReplica

struct ShowCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Show an article with its highlights and notes.")

  @OptionGroup var global: GlobalOptions

  @Argument(help: "The article (any unique id prefix).")
  var article: String

  struct AnnotationJSON: Encodable {
    let id: String
    let kind: String
    let section: String?
    let quote: String?
    let note: String?
    let color: String?
    let tags: [String]
    let author: String
    let created: String
    let anchor: String?
    let conflicts: [String]
  }

  struct ArticleJSON: Encodable {
    let id: String
    let title: String
    let sourceURL: String?
    let published: String?
    let summary: String
    let background: String
    let insights: [Insight]
    let tags: [String]
    let conflicts: [String]
    let annotations: [AnnotationJSON]
  }

  func run() async throws {
    let replica = try global.openReplica()
    let id = try replica.resolveArticle(article)
    guard let article = try replica.article(id: id) else { throw ReplicaError.unknownID(id) }
    let anchored = try replica.annotations(ofArticle: id).enumerated().map { index, annotation in
      AnchoredAnnotation(
        annotation: annotation,
        anchor: annotation.target.selector.map { Anchoring.anchor($0, in: article) },
        number: index + 1)
    }
    var annotationConflicts: [String: [String]] = [:]
    for item in anchored {
      let fields = try replica.conflictedFields(of: .annotation(item.annotation.id))
      if !fields.isEmpty { annotationConflicts[item.annotation.id] = fields }
    }
    let articleConflicts = try replica.conflictedFields(of: .article(id))
    if global.json {
      try JSONOutput.print(
        ArticleJSON(
          id: id, title: article.title, sourceURL: article.sourceURL, published: article.published,
          summary: article.summary, background: article.background, insights: article.insights,
          tags: article.tags, conflicts: articleConflicts,
          annotations: anchored.map { item in
            let annotation = item.annotation
            return AnnotationJSON(
              id: annotation.id, kind: annotation.kind.rawValue,
              section: annotation.target.selector?.section.rawValue,
              quote: annotation.target.selector?.exact, note: annotation.note,
              color: annotation.color, tags: annotation.tags, author: annotation.author,
              created: TimeText.iso(annotation.created), anchor: item.anchor?.state.rawValue,
              conflicts: annotationConflicts[annotation.id] ?? [])
          }))
      return
    }
    let renderer = ArticleRenderer(
      article: article, annotations: anchored, conflictedFields: Set(articleConflicts),
      annotationConflicts: annotationConflicts, useColor: Console.current.isTerminal,
      shortID: { replica.abbreviate($0) })
    Console.current.out(renderer.render())
  }
}
