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
      """)

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
      """)

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
    commandName: "edit", abstract: "Change an annotation's note or colour.",
    discussion: """
      The annotation is an id prefix or ARTICLE#N (the number 'folio show' prints).

      Examples:
        folio edit 7c1e --note "new note"
        folio edit 50c4#2 --color green
      """)

  @OptionGroup var global: CommonOptions

  @Argument(help: "The annotation: any unique id prefix, or ARTICLE#N.")
  var annotation: String

  @Option(help: "The new note.")
  var note: String?

  @Option(help: "The new colour: \(HighlightColor.names).")
  var color: String?

  func validate() throws {
    if note == nil && color == nil { throw ValidationError("give --note or --color") }
  }

  func run() async throws {
    let chosen = try color.map(HighlightColor.parse)
    let replica = try global.openReplica()
    let id = try AnnotationReference.resolve(annotation, in: replica)
    try replica.editAnnotation(id: id, note: note, color: chosen?.rawValue)
    if global.json {
      try JSONOutput.print(try replica.annotationRecord(id: id))
    } else {
      Console.current.out("Edited \(id).")
    }
  }
}

struct DeleteCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "delete", abstract: "Delete an annotation.",
    discussion: """
      With --json, prints the annotation as it was before the delete.

      Examples:
        folio delete 7c1e
        folio delete 50c4#2
      """)

  @OptionGroup var global: GlobalOptions

  @Argument(help: "The annotation: any unique id prefix, or ARTICLE#N.")
  var annotation: String

  func run() async throws {
    let replica = try global.openReplica()
    let id = try AnnotationReference.resolve(annotation, in: replica)
    let record = global.json ? try replica.annotationRecord(id: id) : nil
    try replica.deleteAnnotation(id: id)
    if let record {
      try JSONOutput.print(record)
    } else {
      Console.current.out("Deleted \(id).")
    }
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
      """)

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
