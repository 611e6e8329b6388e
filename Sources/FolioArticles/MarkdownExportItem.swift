import FolioModel

/// One article and its annotations, as `MarkdownExport` writes them.
public struct MarkdownExportItem: Hashable, Sendable {
  /// A highlighted passage with what was said about it.
  public struct Highlight: Hashable, Sendable {
    /// The highlighted text.
    public var quote: String
    /// The section the passage is in, when known.
    public var section: ArticleSection?
    public var note: String?
    public var color: String?
    public var tags: [String]
    public var author: String
    /// Unix milliseconds when it was made.
    public var created: UInt64
    /// True when the passage is no longer found in the article's text.
    public var orphan: Bool
    /// Who wrote the current note, when not `author` (see `Annotation.noteCredit`).
    public var noteCredit: [String]?

    public init(
      quote: String, section: ArticleSection? = nil, note: String? = nil, color: String? = nil,
      tags: [String] = [], author: String, created: UInt64, orphan: Bool = false,
      noteCredit: [String]? = nil
    ) {
      self.quote = quote
      self.section = section
      self.note = note
      self.color = color
      self.tags = tags
      self.author = author
      self.created = created
      self.orphan = orphan
      self.noteCredit = noteCredit
    }
  }

  /// A note on the whole article.
  public struct Note: Hashable, Sendable {
    public var text: String
    public var tags: [String]
    public var author: String
    /// Unix milliseconds when it was made.
    public var created: UInt64
    /// Who wrote the current text, when not `author` (see `Annotation.noteCredit`).
    public var noteCredit: [String]?

    public init(
      text: String, tags: [String] = [], author: String, created: UInt64,
      noteCredit: [String]? = nil
    ) {
      self.text = text
      self.tags = tags
      self.author = author
      self.created = created
      self.noteCredit = noteCredit
    }
  }

  public var article: Article
  /// In the order they are written.
  public var highlights: [Highlight]
  /// In the order they are written.
  public var notes: [Note]

  public init(article: Article, highlights: [Highlight] = [], notes: [Note] = []) {
    self.article = article
    self.highlights = highlights
    self.notes = notes
  }

  /// The item for `article` and its `annotations` (those of other articles are skipped).
  ///
  /// Highlights come in reading order (section, then position), orphans last; notes by
  /// creation time. A highlight without a selector is shown as an orphan.
  ///
  /// - Parameters:
  ///   - article: The article as it is now.
  ///   - annotations: Its highlights and notes.
  ///   - orphans: The ids of the highlights that no longer anchor in the article's
  ///     current text.
  public init(article: Article, annotations: [Annotation], orphans: Set<String> = []) {
    let own = annotations.filter { $0.articleID == article.id }
    let sectionOrder = Dictionary(
      uniqueKeysWithValues: ArticleSection.allCases.enumerated().map { ($1, $0) })
    func readingKey(_ annotation: Annotation) -> (Int, Int, Int, UInt64, String) {
      let selector = annotation.target.selector
      let orphan = orphans.contains(annotation.id) || selector == nil
      return (
        orphan ? 1 : 0, selector.flatMap { sectionOrder[$0.section] } ?? 0, selector?.start ?? 0,
        annotation.created, annotation.id
      )
    }
    let highlights = own.filter { $0.kind == .highlight }.sorted { readingKey($0) < readingKey($1) }
    let notes = own.filter { $0.kind == .note }.sorted {
      ($0.created, $0.id) < ($1.created, $1.id)
    }
    self.init(
      article: article,
      highlights: highlights.map { annotation in
        Highlight(
          quote: annotation.target.selector?.exact ?? "",
          section: annotation.target.selector?.section, note: annotation.note,
          color: annotation.color, tags: annotation.tags, author: annotation.author,
          created: annotation.created,
          orphan: orphans.contains(annotation.id) || annotation.target.selector == nil,
          noteCredit: annotation.noteCredit)
      },
      notes: notes.map { annotation in
        Note(
          text: annotation.note ?? "", tags: annotation.tags, author: annotation.author,
          created: annotation.created, noteCredit: annotation.noteCredit)
      })
  }
}
