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
    /// Where the highlight is now; null for an orphan and for a note.
    let section: String?
    let start: Int?
    let end: Int?
    /// The text it covers now; null for an orphan and for a note.
    let text: String?
    /// The stored quote and the section it was made in.
    let quote: String?
    let quoteSection: String?
    let note: String?
    let color: String?
    let tags: [String]
    let author: String
    let created: String
    let anchor: String?
    let conflicts: [String]

    enum CodingKeys: String, CodingKey {
      case id, kind, section, start, end, text, quote, quoteSection, note, color, tags, author
      case created, anchor, conflicts
    }

    /// Where a highlight is now is written as null for an orphan, not left out.
    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(id, forKey: .id)
      try container.encode(kind, forKey: .kind)
      try container.encode(section, forKey: .section)
      try container.encode(start, forKey: .start)
      try container.encode(end, forKey: .end)
      try container.encode(text, forKey: .text)
      try container.encodeIfPresent(quote, forKey: .quote)
      try container.encodeIfPresent(quoteSection, forKey: .quoteSection)
      try container.encodeIfPresent(note, forKey: .note)
      try container.encodeIfPresent(color, forKey: .color)
      try container.encode(tags, forKey: .tags)
      try container.encode(author, forKey: .author)
      try container.encode(created, forKey: .created)
      try container.encodeIfPresent(anchor, forKey: .anchor)
      try container.encode(conflicts, forKey: .conflicts)
    }
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
    let anchored = AnchoredAnnotation.numbered(
      try replica.annotations(ofArticle: id), in: article)
    var annotationConflicts: [String: [String]] = [:]
    for item in anchored {
      let fields = try replica.conflictedFields(of: item.annotation.id)
      if !fields.isEmpty { annotationConflicts[item.annotation.id] = fields }
    }
    let articleConflicts = try replica.conflictedFields(of: id)
    if global.json {
      try JSONOutput.print(
        ArticleJSON(
          id: id, title: article.title, sourceURL: article.sourceURL, published: article.published,
          summary: article.summary, background: article.background, insights: article.insights,
          tags: article.tags, conflicts: articleConflicts,
          annotations: anchored.map { item in
            let annotation = item.annotation
            let range = item.anchor?.range
            return AnnotationJSON(
              id: annotation.id, kind: annotation.kind.rawValue,
              section: range == nil ? nil : item.anchor?.section.rawValue,
              start: range?.lowerBound, end: range?.upperBound,
              text: item.anchor?.text(in: article), quote: annotation.target.selector?.exact,
              quoteSection: annotation.target.selector?.section.rawValue, note: annotation.note,
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
