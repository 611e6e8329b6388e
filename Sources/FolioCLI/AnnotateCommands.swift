import ArgumentParser
import FolioArticles
import FolioModel
import FolioReplica

struct HighlightCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "highlight", abstract: "Highlight a passage of an article.",
    discussion: """
      Prints the new annotation's id (with --json, the annotation).
      Colours: \(HighlightColor.names).

      Examples:
        folio highlight 50c4 --quote "malicious PR operation"
        folio highlight 50c4 --quote "zero-day" --section summary --color green --note "key claim"
        folio highlight 50c4 --quote "Alibaba" --occurrence 2

      A quote that occurs in several places is refused with a numbered list of them; pick
      one with --occurrence N. A quote found only in another letter case is highlighted
      where it is, and the command says what it matched.
      """
  ).parsedOnItsOwn

  @OptionGroup var global: CommonOptions

  @Argument(help: "The article (any unique id prefix).")
  var article: String

  @Option(help: "The exact passage to highlight.")
  var quote: String

  @Option(help: "A note on the highlight.")
  var note: String?

  @Option(help: "The highlight's colour (default yellow): \(HighlightColor.names).")
  var color: String?

  @Option(help: "Where to look: title, summary, background or insights.")
  var section: String?

  @Option(help: "Which place, when the quote occurs in several (1 is the first, in reading order).")
  var occurrence: Int?

  func run() async throws {
    var narrowed: ArticleSection?
    if let section {
      guard let parsed = ArticleSection(userText: section) else {
        throw CLIError("unknown section '\(section)': use title, summary, background or insights")
      }
      narrowed = parsed
    }
    let chosen = try color.map(HighlightColor.parse) ?? .standard
    let replica = try global.openReplica()
    let articleID = try replica.resolveArticle(article)
    let annotation = try replica.highlight(
      articleID: articleID, quote: quote, note: note, color: chosen.rawValue, section: narrowed,
      occurrence: occurrence)
    if let exact = annotation.target.selector?.exact,
      Anchoring.differsOnlyInCase(quote: quote, exact: exact)
    {
      Console.current.err(
        "no match in that letter case; highlighted “\(exact.sanitizedLine)” (case ignored)")
    }
    if global.json {
      try JSONOutput.print(try replica.annotationRecord(id: annotation.id))
    } else {
      Console.current.out(annotation.id)
    }
  }
}

struct NoteCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "note", abstract: "Write a note on a whole article.",
    discussion: """
      Prints the new annotation's id (with --json, the annotation).

      Example:
        folio note 50c4 "Check the White House memo"
      """
  ).parsedOnItsOwn

  @OptionGroup var global: GlobalOptions

  @Argument(help: "The article (any unique id prefix).")
  var article: String

  @Argument(help: "The note.")
  var text: String

  func run() async throws {
    let replica = try global.openReplica()
    let annotation = try replica.addNote(articleID: try replica.resolveArticle(article), text: text)
    if global.json {
      try JSONOutput.print(try replica.annotationRecord(id: annotation.id))
    } else {
      Console.current.out(annotation.id)
    }
  }
}

struct EditCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "edit", abstract: "Change an annotation's note or colour, or an article's text.",
    discussion: """
      An annotation is an id prefix or ARTICLE#N (the number 'folio show' prints): give
      --note and/or --color. An article takes --title, --summary or --background; with none
      of them, the whole article opens in $VISUAL or $EDITOR (vi when neither is set) in the
      text format, and what you save is written back (its id and tags stay; tags change with
      'folio tag'). Highlights are re-anchored on the new text, and the command says where
      they went. Fields in conflict are settled by the edit.

      Examples:
        folio edit 7c1e --note "new note"
        folio edit 50c4#2 --color green
        folio edit 50c4 --title "Alibaba denies FT report"
        folio edit 50c4
      """
  ).parsedOnItsOwn

  @OptionGroup var global: CommonOptions

  @Argument(help: "The annotation (any unique id prefix, or ARTICLE#N) or article.")
  var id: String

  @Option(help: "An annotation's new note.")
  var note: String?

  @Option(help: "An annotation's new colour: \(HighlightColor.names).")
  var color: String?

  @Option(help: "An article's new title.")
  var title: String?

  @Option(help: "An article's new summary.")
  var summary: String?

  @Option(help: "An article's new background.")
  var background: String?

  func run() async throws {
    let replica = try global.openReplica()
    let entity = try AnnotationReference.resolveRecord(id, in: replica)
    guard entity.kind == .annotation else {
      guard note == nil, color == nil else {
        throw CLIError(
          "--note and --color change an annotation; \(replica.abbreviate(entity.id)) is an article, not an annotation"
        )
      }
      try ArticleEditing(replica: replica, id: entity.id, json: global.json).run(
        title: title, summary: summary, background: background)
      return
    }
    guard title == nil, summary == nil, background == nil else {
      throw CLIError(
        "--title, --summary and --background change an article; \(replica.abbreviate(entity.id)) is an annotation"
      )
    }
    guard note != nil || color != nil else { throw CLIError("give --note or --color") }
    let chosen = try color.map(HighlightColor.parse)
    try replica.editAnnotation(id: entity.id, note: note, color: chosen?.rawValue)
    if global.json {
      try JSONOutput.print(try replica.annotationRecord(id: entity.id))
    } else {
      Console.current.out("Edited \(entity.id).")
    }
  }
}

struct DeleteCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "delete", abstract: "Delete an annotation or an article.",
    discussion: """
      An article is deleted with its annotations; 'folio restore' brings either back. An
      edit a teammate made meanwhile brings the record back as a delete conflict. With
      --json, prints the record as it was before the delete.

      Examples:
        folio delete 7c1e
        folio delete 50c4#2
        folio delete 50c4 && folio restore 50c4
      """
  ).parsedOnItsOwn

  @OptionGroup var global: GlobalOptions

  @Argument(help: "The annotation (any unique id prefix, or ARTICLE#N) or article.")
  var id: String

  func run() async throws {
    let replica = try global.openReplica()
    let entity = try AnnotationReference.resolveRecord(id, in: replica)
    if entity.kind == .article {
      guard let article = try replica.article(id: entity.id) else {
        throw ReplicaError.unknownID(entity.id)
      }
      let record = global.json ? try replica.articleRecord(of: article) : nil
      try replica.deleteArticle(id: entity.id)
      if let record {
        try JSONOutput.print(record)
      } else {
        Console.current.out(
          "Deleted article \(entity.id) (\(article.title.sanitizedLine)); "
            + "'folio restore \(replica.abbreviate(entity.id))' brings it back.")
      }
      return
    }
    let record = global.json ? try replica.annotationRecord(id: entity.id) : nil
    try replica.deleteAnnotation(id: entity.id)
    if let record {
      try JSONOutput.print(record)
    } else {
      Console.current.out("Deleted \(entity.id).")
    }
  }
}

struct RestoreCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "restore", abstract: "Bring back a deleted article or annotation.",
    discussion: """
      The id is a prefix of the deleted record's id (as 'folio delete' printed it). With
      --json, prints the record restored.

      Example:
        folio restore 50c4
      """
  ).parsedOnItsOwn

  @OptionGroup var global: GlobalOptions

  @Argument(help: "The deleted article or annotation (any unique id prefix).")
  var id: String

  func run() async throws {
    let replica = try global.openReplica()
    let entity = try replica.resolveDeleted(id)
    try replica.restore(entity)
    if global.json {
      if entity.kind == .article, let article = try replica.article(id: entity.id) {
        try JSONOutput.print(try replica.articleRecord(of: article))
      } else {
        try JSONOutput.print(try replica.annotationRecord(id: entity.id))
      }
      return
    }
    Console.current.out("Restored \(entity.kind.rawValue) \(entity.id).")
  }
}

struct TagCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tag", abstract: "Add (+TAG) and remove (-TAG) tags on an article or annotation.",
    discussion: """
      Tags compare without regard to case: +China on an article tagged china keeps 'china'.
      Removing a tag the record does not have changes nothing and says so; the other tags
      still apply. A leading # is dropped (+#china is +china).

      Examples:
        folio tag 50c4 +china +alibaba -draft
        folio tag 50c4#2 +claims
      """
  ).parsedOnItsOwn

  @OptionGroup var global: GlobalOptions

  @Argument(help: "The article or annotation: any unique id prefix, or ARTICLE#N.")
  var id: String

  @Argument(parsing: .allUnrecognized, help: "+TAG to add, -TAG to remove.")
  var changes: [String] = []

  /// What `tag --json` prints.
  struct Result: Encodable {
    let id: String
    let kind: String
    let tags: [String]
    let added: [String]
    let removed: [String]
    let absent: [String]
  }

  func run() async throws {
    var adding: [String] = []
    var removing: [String] = []
    for word in changes {
      let name = String(word.dropFirst().drop { $0 == "#" })
      if word.hasPrefix("+") {
        adding.append(name)
      } else if word.hasPrefix("-") {
        removing.append(name)
      } else {
        throw CLIError("'\(word.sanitizedLine)': write +TAG to add a tag or -TAG to remove one")
      }
    }
    guard !adding.isEmpty || !removing.isEmpty else {
      throw CLIError("give +TAG to add a tag or -TAG to remove one")
    }
    let replica = try global.openReplica()
    let entity = try AnnotationReference.resolveRecord(id, in: replica)
    let outcome = try replica.tag(entity, adding: adding, removing: removing)
    if global.json {
      let tags =
        try entity.kind == .article
        ? replica.article(id: entity.id)?.tags : replica.annotation(id: entity.id)?.tags
      try JSONOutput.print(
        Result(
          id: entity.id, kind: entity.kind.rawValue, tags: tags ?? [], added: outcome.added,
          removed: outcome.removed, absent: outcome.absent))
      return
    }
    let record = "\(entity.kind.rawValue) \(replica.abbreviate(entity.id))"
    for tag in outcome.absent {
      Console.current.out("'\(tag.sanitizedLine)' was not a tag of \(record); nothing to remove.")
    }
    var done: [String] = []
    if !outcome.added.isEmpty {
      done.append("added " + outcome.added.map { "#" + $0.sanitizedLine }.joined(separator: " "))
    }
    if !outcome.removed.isEmpty {
      done.append(
        "removed " + outcome.removed.map { "#" + $0.sanitizedLine }.joined(separator: " "))
    }
    if !done.isEmpty { Console.current.out("Tagged \(record): \(done.joined(separator: "; ")).") }
  }
}
