import FolioArticles
import FolioModel
import FolioReplica

// The records `--json` prints: one shape per kind of record, whichever command prints it.
// Every key is always present (null when there is no value), times are ISO 8601 UTC with
// milliseconds, ids are full, and a record's own id is always `id`. The shapes are written
// as JSON Schemas in Protocol/cli-schemas/.

/// An annotation, as `show`, `highlight`, `note`, `edit`, `delete` and `search` print it.
struct AnnotationRecord: Encodable {
  let id: String
  let article: String
  let kind: String
  /// Where a highlight is now: section, start and end (Unicode scalars of the section) and
  /// the text it covers; all null for an orphan and for a note.
  let section: String?
  let start: Int?
  let end: Int?
  let text: String?
  /// The stored quote and the section it was made in.
  let quote: String?
  let quoteSection: String?
  /// The stored selector, from which `import` restores the highlight.
  let selector: TextSelector?
  let note: String?
  let color: String?
  let tags: [String]
  let author: String
  /// Who wrote the current note (whoever last set it or settled a conflict on it); null
  /// when there is no note.
  let noteAuthors: [String]?
  let created: String
  /// The number `show` prints beside it (`ARTICLE#N`).
  let number: Int
  /// exact, moved, fuzzy or orphan for highlights; null for notes.
  let anchor: String?
  /// Fields of the annotation in conflict.
  let conflicts: [String]

  init(_ item: AnchoredAnnotation, in shown: Article, conflicts: [String]) {
    let annotation = item.annotation
    id = annotation.id
    article = annotation.articleID
    kind = annotation.kind.rawValue
    let range = item.anchor?.range
    section = range == nil ? nil : item.anchor?.section.rawValue
    start = range?.lowerBound
    end = range?.upperBound
    text = item.anchor?.text(in: shown)
    quote = annotation.target.selector?.exact
    quoteSection = annotation.target.selector?.section.rawValue
    selector = annotation.target.selector
    note = annotation.note
    color = annotation.color
    tags = annotation.tags
    author = annotation.author
    noteAuthors = annotation.note == nil ? nil : (annotation.noteAuthors ?? [])
    created = TimeText.iso(annotation.created)
    number = item.number
    anchor = item.anchor?.state.rawValue
    self.conflicts = conflicts
  }

  enum CodingKeys: String, CodingKey {
    case id, article, kind, section, start, end, text, quote, quoteSection, selector, note, color
    case tags
    case author, noteAuthors, created, number, anchor, conflicts
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(id, forKey: .id)
    try container.encode(article, forKey: .article)
    try container.encode(kind, forKey: .kind)
    try container.encode(section, forKey: .section)
    try container.encode(start, forKey: .start)
    try container.encode(end, forKey: .end)
    try container.encode(text, forKey: .text)
    try container.encode(quote, forKey: .quote)
    try container.encode(quoteSection, forKey: .quoteSection)
    try container.encode(selector, forKey: .selector)
    try container.encode(note, forKey: .note)
    try container.encode(color, forKey: .color)
    try container.encode(tags, forKey: .tags)
    try container.encode(author, forKey: .author)
    try container.encode(noteAuthors, forKey: .noteAuthors)
    try container.encode(created, forKey: .created)
    try container.encode(number, forKey: .number)
    try container.encode(anchor, forKey: .anchor)
    try container.encode(conflicts, forKey: .conflicts)
  }
}

extension Replica {
  /// The annotation with this full id as `--json` prints it.
  func annotationRecord(id: String) throws -> AnnotationRecord {
    guard let annotation = try annotation(id: id),
      let article = try article(id: annotation.articleID)
    else { throw ReplicaError.unknownID(id) }
    let numbered = try numberedAnnotations(of: article)
    guard let item = numbered.first(where: { $0.annotation.id == id }) else {
      throw ReplicaError.unknownID(id)
    }
    return AnnotationRecord(
      item, in: article, conflicts: try conflictedFields(of: .annotation(id)))
  }
}

/// An article: `list` prints the first four keys; `show` prints them all.
struct ArticleRecord: Encodable {
  let id: String
  let title: String
  let tags: [String]
  let annotationCount: Int
  let detail: Detail?

  /// The same record with its annotations sorted by id, as an export lists them.
  func sortingAnnotationsByID() -> ArticleRecord {
    guard let detail else { return self }
    return ArticleRecord(
      id: id, title: title, tags: tags, annotationCount: annotationCount,
      detail: Detail(
        article: detail.article, conflicts: detail.conflicts,
        annotations: detail.annotations.sorted { $0.id < $1.id }))
  }

  /// What `show` adds.
  struct Detail {
    let article: Article
    let conflicts: [String]
    let annotations: [AnnotationRecord]
  }

  enum CodingKeys: String, CodingKey {
    case id, title, tags, annotationCount, sourceURL, published, summary, background, insights
    case conflicts, annotations
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(id, forKey: .id)
    try container.encode(title, forKey: .title)
    try container.encode(tags, forKey: .tags)
    try container.encode(annotationCount, forKey: .annotationCount)
    guard let detail else { return }
    try container.encode(detail.article.sourceURL, forKey: .sourceURL)
    try container.encode(detail.article.published, forKey: .published)
    try container.encode(detail.article.summary, forKey: .summary)
    try container.encode(detail.article.background, forKey: .background)
    try container.encode(detail.article.insights, forKey: .insights)
    try container.encode(detail.conflicts, forKey: .conflicts)
    try container.encode(detail.annotations, forKey: .annotations)
  }
}

extension Replica {
  /// The article as `show --json` prints it, with every annotation.
  func articleRecord(of article: Article) throws -> ArticleRecord {
    let anchored = try numberedAnnotations(of: article)
    var annotations: [AnnotationRecord] = []
    for item in anchored {
      annotations.append(
        AnnotationRecord(
          item, in: article,
          conflicts: try conflictedFields(of: .annotation(item.annotation.id))))
    }
    return ArticleRecord(
      id: article.id, title: article.title, tags: article.tags,
      annotationCount: anchored.count,
      detail: ArticleRecord.Detail(
        article: article, conflicts: try conflictedFields(of: .article(article.id)),
        annotations: annotations))
  }
}

/// What `export --format json` writes: version 2 of the `folio-export` document, whose
/// articles are `show --json` objects (annotations sorted by id, so that two replicas with
/// the same state write the same bytes). `import` reads it back.
struct ExportDocument: Encodable {
  let format = FolioExport.formatName
  let version = FolioExport.currentVersion
  let articles: [ArticleRecord]

  enum CodingKeys: String, CodingKey { case format, version, articles }
}

/// A search result: the article it is in, the annotation when a highlight or note matched,
/// and the matching text, plain, with the matches' offsets (Unicode scalars of `snippet`).
struct SearchHitRecord: Encodable {
  struct ArticleRef: Encodable {
    let id: String
    let title: String
  }

  struct Match: Encodable {
    let start: Int
    let end: Int
  }

  let article: ArticleRef
  let annotation: AnnotationRecord?
  let snippet: String
  let matches: [Match]

  init(article: ArticleRef, annotation: AnnotationRecord?, snippet: SearchSnippet) {
    self.article = article
    self.annotation = annotation
    self.snippet = snippet.text
    matches = snippet.matches.map { Match(start: $0.lowerBound, end: $0.upperBound) }
  }

  enum CodingKeys: String, CodingKey { case article, annotation, snippet, matches }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(article, forKey: .article)
    try container.encode(annotation, forKey: .annotation)
    try container.encode(snippet, forKey: .snippet)
    try container.encode(matches, forKey: .matches)
  }
}

/// A record's kind and full id, as `log`, `conflicts` and `tag` name it.
struct RecordRef: Encodable {
  let kind: String
  let id: String

  init(_ entity: EntityRef) {
    kind = entity.kind.rawValue
    id = entity.id
  }
}
