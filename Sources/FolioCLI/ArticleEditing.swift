import FolioArticles
import FolioReplica
import Foundation

/// `folio edit ARTICLE`: new fields from options, or the whole article through an editor;
/// then where its highlights went.
struct ArticleEditing {
  let replica: Replica
  let id: String
  let json: Bool

  func run(title: String?, summary: String?, background: String?) throws {
    guard let current = try replica.article(id: id) else { throw ReplicaError.unknownID(id) }
    let before = ArticleBefore(
      article: current, annotations: try replica.annotations(ofArticle: id))
    var edited = current
    if title == nil && summary == nil && background == nil {
      edited = try Self.editInEditor(current)
    } else {
      if let title { edited.title = title }
      if let summary { edited.summary = summary }
      if let background { edited.background = background }
    }
    let changed = try replica.editArticle(id: id, to: edited)
    let reanchored = try ReanchorSummary(changed.isEmpty ? [] : [before], in: replica)
    if json {
      guard let now = try replica.article(id: id) else { throw ReplicaError.unknownID(id) }
      try JSONOutput.print(try replica.articleRecord(of: now))
      return
    }
    guard !changed.isEmpty else {
      Console.current.out("Nothing changed.")
      return
    }
    Console.current.out("Edited article \(id): \(changed.joined(separator: ", ")).")
    for entry in reanchored.entries {
      for change in entry.changes {
        Console.current.out(
          ImportCommand.describe(change, shortID: replica.abbreviate(change.annotationID))
            .sanitized)
      }
    }
  }

  /// The article after the user edited it in the text format in `$VISUAL` or `$EDITOR`.
  static func editInEditor(_ article: Article) throws -> Article {
    let environment = ProcessInfo.processInfo.environment
    let editor =
      [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty }
    guard let editor = editor ?? (isatty(STDIN_FILENO) == 1 ? "vi" : nil) else {
      throw CLIError(
        "no editor: set $EDITOR, or give --title, --summary or --background; nothing changed")
    }
    let file = FileManager.default.temporaryDirectory
      .appendingPathComponent("folio-edit-\(article.id)-\(UUID().uuidString.prefix(8)).txt")
    try Data(ArticleTextFormat.render(article).utf8).write(to: file, options: .atomic)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    // The editor may carry arguments ("code --wait"), as git allows.
    process.arguments = ["-c", editor + " \"$1\"", "folio-edit", file.path]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      try? FileManager.default.removeItem(at: file)
      throw CLIError("the editor exited with status \(process.terminationStatus); nothing changed")
    }
    let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    var edited: Article
    do {
      edited = try ArticleTextFormat.parse(text)
    } catch {
      // Keep what was typed: nothing a user wrote is thrown away.
      throw CLIError(
        "the edited article cannot be read (\(error.reason)); nothing changed; your text is in \(file.path)"
      )
    }
    try? FileManager.default.removeItem(at: file)
    edited.id = article.id
    edited.tags = article.tags
    return edited
  }
}
