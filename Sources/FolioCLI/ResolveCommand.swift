import ArgumentParser
import FolioArticles
import FolioModel
import FolioReplica
import Foundation

struct ResolveCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "resolve",
    abstract: "Settle conflicts: one by id, each in turn, or all at once.",
    discussion: """
      With no id on a terminal, walks through every open conflict and asks, for
      each: a version's number to keep it, e to edit, d for a diff, s to skip,
      q to quit. --edit opens one file in $VISUAL or $EDITOR holding every
      version between diff3-style markers (<<<<<<< alice, ||||||| base,
      =======, >>>>>>> bob): keep the text you want, delete the markers, save.
      A file that still holds markers is refused and an empty file cancels;
      either way nothing changes and the conflict stays open.

      Examples:
        folio resolve                          # each open conflict in turn
        folio resolve 3f2a --pick 2
        folio resolve 3f2a --author bob
        folio resolve 3f2a --value "agreed wording"
        folio resolve 3f2a --edit
        folio resolve 9c1e --restore
        folio resolve --all --author alice   # alice's version wherever she wrote one
        folio resolve --all --newest         # the newest version everywhere
      """
  ).parsedOnItsOwn

  @OptionGroup var global: GlobalOptions

  @Argument(
    help:
      "The conflict id (as listed by 'folio conflicts'; any unique prefix); omit to walk through them all."
  )
  var conflict: String?

  @Option(help: "Keep the N-th version as listed.")
  var pick: Int?

  @Option(help: "Keep the version written by this author.")
  var author: String?

  @Option(help: "Replace every version with this text.")
  var value: String?

  @Flag(help: "Write the new value in $EDITOR, from a file holding every version with markers.")
  var edit = false

  @Flag(help: "Keep the newest version.")
  var newest = false

  @Flag(help: "Keep the annotation that was deleted while edited.")
  var restore = false

  @Flag(help: "Delete the annotation after all.")
  var confirmDelete = false

  @Flag(
    help:
      "Settle every open conflict the choice fits (--author, --newest, --restore or --confirm-delete)."
  )
  var all = false

  /// The choice given by flags, if any.
  private var choice: ResolveChoice? {
    if let pick { return .pick(pick) }
    if let author { return .author(author) }
    if let value { return .value(value) }
    if edit { return .edit }
    if newest { return .newest }
    if restore { return .restore }
    if confirmDelete { return .confirmDelete }
    return nil
  }

  func validate() throws {
    let chosen = [pick != nil, author != nil, value != nil, edit, newest, restore, confirmDelete]
      .filter { $0 }.count
    if chosen > 1 {
      throw ValidationError(
        "choose one of --pick, --author, --value, --edit, --newest, --restore, --confirm-delete")
    }
    if all {
      if conflict != nil { throw ValidationError("--all settles every conflict: give no id") }
      guard author != nil || newest || restore || confirmDelete else {
        throw ValidationError(
          "--all needs a choice that fits many conflicts: --author NAME, --newest, --restore or --confirm-delete"
        )
      }
    }
  }

  func run() async throws {
    let replica = try global.openReplica()
    if all, let choice {
      try ResolveAll(replica: replica, global: global).run(choice)
      return
    }
    let interactive = isatty(STDIN_FILENO) == 1
    guard let conflict else {
      guard choice == nil else {
        throw CLIError("give the conflict to settle (see 'folio conflicts'), or --all")
      }
      guard interactive else {
        throw CLIError(
          "no conflict given: run 'folio resolve' on a terminal to go through them, give an id"
            + " with a choice, or use --all --author NAME | --newest")
      }
      try ResolvePrompt(replica: replica, global: global).walk()
      return
    }
    let details = try ConflictDetails.load(
      ResolveCommand.find(conflict, in: replica), from: replica)
    guard let choice else {
      guard interactive else {
        throw CLIError(
          "say how to resolve \(details.conflict.id): --pick N, --author NAME, --value TEXT,"
            + " --edit, --newest, --restore or --confirm-delete")
      }
      let prompt = ResolvePrompt(replica: replica, global: global)
      guard try prompt.ask(details, position: nil) == .resolved else {
        throw CLIError("nothing chosen; the conflict stays open")
      }
      return
    }
    let resolution = try choice.resolution(for: details)
    try replica.resolve(conflict: details.conflict.id, with: resolution)
    if global.json {
      try JSONOutput.print(
        ResolveResult(conflict: ConflictsCommand.entry(details), resolved: true))
    } else {
      Console.current.out(ResolveCommand.resolvedLine(details))
    }
  }

  /// The open conflict `prefix` names, with an error that says where to find the ids.
  static func find(_ prefix: String, in replica: Replica) throws -> ConflictView {
    do {
      return try replica.conflict(prefix)
    } catch .unknownID {
      throw CLIError(
        "no open conflict has an id starting with '\(prefix.sanitizedLine)' ('folio conflicts' lists them)"
      )
    }
  }

  /// "Resolved 3f2a… (“quote”: note)."
  static func resolvedLine(_ details: ConflictDetails) -> String {
    "Resolved \(details.conflict.id) (\(details.label.sanitizedLine): \(details.conflict.field))."
  }

  /// What `resolve --json` prints: the conflict as it was listed, now settled.
  struct ResolveResult: Encodable {
    let conflict: ConflictsCommand.Entry
    let resolved: Bool
  }
}

/// How a person asked a conflict to be settled, before it is turned into a `Resolution`.
enum ResolveChoice: Equatable {
  case pick(Int)
  case author(String)
  case value(String)
  case edit
  case newest
  case restore
  case confirmDelete

  /// The resolution this choice means for `details` (`--edit` runs the editor).
  func resolution(for details: ConflictDetails) throws -> Resolution {
    switch self {
    case .pick(let index): return .pick(index)
    case .author(let name): return .author(name)
    case .value(let text): return .value(text)
    case .restore: return .restore
    case .confirmDelete: return .confirmDelete
    case .newest:
      guard details.isValueConflict, let index = ResolveChoice.newestIndex(details.conflict)
      else {
        throw CLIError(
          "conflict \(details.conflict.id) is a delete conflict: use --restore or --confirm-delete")
      }
      return .pick(index)
    case .edit:
      guard details.isValueConflict else {
        throw CLIError(
          "conflict \(details.conflict.id) is a delete conflict: use --restore or --confirm-delete")
      }
      return .value(try ResolveEditor.edit(ResolveChoice.markedFile(details)))
    }
  }

  /// The 1-based number of the newest version (greatest clock, then site).
  static func newestIndex(_ conflict: Conflict) -> Int? {
    conflict.versions.indices.max { Change.precedes(conflict.versions[$0], conflict.versions[$1]) }
      .map { $0 + 1 }
  }

  /// The file `--edit` opens: every version, and the base, between markers.
  static func markedFile(_ details: ConflictDetails) -> String {
    func label(_ change: Change) -> String {
      "\(change.author.sanitizedLine) (\(TimeText.short(change.hlc.milliseconds)))"
    }
    return ConflictMarkers.file(
      versions: details.conflict.versions.map {
        ConflictMarkers.Side(label: label($0), text: ConflictDetails.text(of: $0))
      },
      base: details.base.map {
        ConflictMarkers.Side(label: "base, " + label($0), text: ConflictDetails.text(of: $0))
      })
  }
}
