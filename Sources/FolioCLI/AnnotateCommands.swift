import ArgumentParser
import FolioArticles
import FolioModel
import FolioReplica

struct HighlightCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "highlight", abstract: "Highlight a passage of an article.")

  @OptionGroup var global: GlobalOptions

  @Argument(help: "The article (any unique id prefix).")
  var article: String

  @Option(help: "The exact passage to highlight.")
  var quote: String

  @Option(help: "A note on the highlight.")
  var note: String?

  @Option(help: "The highlight's colour (default yellow).")
  var color: String?

  @Option(help: "Where to look: title, summary, background or insights.")
  var section: String?

  func run() async throws {
    var narrowed: ArticleSection?
    if let section {
      guard let parsed = ArticleSection(userText: section) else {
        throw CLIError("unknown section '\(section)': use title, summary, background or insights")
      }
      narrowed = parsed
    }
    let replica = try global.openReplica()
    let articleID = try replica.resolveArticle(article)
    let annotation = try replica.highlight(
      articleID: articleID, quote: quote, note: note, color: color, section: narrowed)
    if global.json {
      try JSONOutput.print(annotation)
    } else {
      Console.current.out(annotation.id)
    }
  }
}

struct NoteCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "note", abstract: "Write a note on a whole article.")

  @OptionGroup var global: GlobalOptions

  @Argument(help: "The article (any unique id prefix).")
  var article: String

  @Argument(help: "The note.")
  var text: String

  func run() async throws {
    let replica = try global.openReplica()
    let annotation = try replica.addNote(articleID: try replica.resolveArticle(article), text: text)
    if global.json { try JSONOutput.print(annotation) } else { Console.current.out(annotation.id) }
  }
}

struct EditCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "edit", abstract: "Change an annotation's note or colour.")

  @OptionGroup var global: GlobalOptions

  @Argument(help: "The annotation (any unique id prefix).")
  var annotation: String

  @Option(help: "The new note.")
  var note: String?

  @Option(help: "The new colour.")
  var color: String?

  func validate() throws {
    if note == nil && color == nil { throw ValidationError("give --note or --color") }
  }

  func run() async throws {
    let replica = try global.openReplica()
    let id = try replica.resolveAnnotation(annotation)
    try replica.editAnnotation(id: id, note: note, color: color)
    Console.current.out("Edited \(id).")
  }
}

struct DeleteCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "delete", abstract: "Delete an annotation.")

  @OptionGroup var global: GlobalOptions

  @Argument(help: "The annotation (any unique id prefix).")
  var annotation: String

  func run() async throws {
    let replica = try global.openReplica()
    let id = try replica.resolveAnnotation(annotation)
    try replica.deleteAnnotation(id: id)
    Console.current.out("Deleted \(id).")
  }
}

struct TagCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tag", abstract: "Add (+TAG) and remove (-TAG) tags on an article or annotation.")

  @OptionGroup var global: GlobalOptions

  @Argument(help: "The article or annotation (any unique id prefix).")
  var id: String

  @Argument(parsing: .allUnrecognized, help: "+TAG to add, -TAG to remove.")
  var changes: [String] = []

  func run() async throws {
    var adding: [String] = []
    var removing: [String] = []
    for word in changes {
      if word.hasPrefix("+") {
        adding.append(String(word.dropFirst()))
      } else if word.hasPrefix("-") {
        removing.append(String(word.dropFirst()))
      } else {
        throw CLIError("'\(word)': write +TAG to add a tag or -TAG to remove one")
      }
    }
    guard !adding.isEmpty || !removing.isEmpty else {
      throw CLIError("give +TAG to add a tag or -TAG to remove one")
    }
    let replica = try global.openReplica()
    let entity = try replica.resolve(id)
    try replica.tag(entity, adding: adding, removing: removing)
    Console.current.out("Tagged \(entity.id).")
  }
}
