import ArgumentParser
import FolioModel
import FolioReplica
import Foundation

/// The interactive resolve flow on a terminal: each conflict is shown, then a prompt
/// offers pick (a version's number) / edit / diff / skip / quit, and asks again after an
/// answer it does not understand or an edit that was refused.
struct ResolvePrompt {
  let replica: Replica
  let global: GlobalOptions

  /// What became of one conflict.
  enum Outcome: Equatable {
    case resolved
    case skipped
    case quit
  }

  /// Goes through every open conflict in turn. Exits with status 1 when some stay open.
  func walk() throws {
    let views = try replica.conflicts()
    guard !views.isEmpty else {
      Console.current.out("No conflicts.")
      return
    }
    var resolved = 0
    for (index, view) in views.enumerated() {
      // An earlier answer (a confirmed delete) may have settled this one too.
      guard let current = try? replica.conflict(view.conflict.id) else { continue }
      let details = try ConflictDetails.load(current, from: replica)
      let outcome = try ask(details, position: (index + 1, views.count))
      if outcome == .resolved { resolved += 1 }
      if outcome == .quit { break }
      Console.current.out()
    }
    let open = try replica.conflictCount()
    Console.current.out(
      "Resolved \(resolved) conflict\(resolved == 1 ? "" : "s"); \(open) still open.")
    if open > 0 { throw ExitCode(1) }
  }

  /// Shows one conflict and asks until it is settled, skipped, or the person quits.
  /// End of input counts as quit.
  func ask(_ details: ConflictDetails, position: (Int, Int)?) throws -> Outcome {
    let text = ConflictText(style: global.style, shortID: { replica.abbreviate($0) })
    let counter = position.map { "(\($0.0)/\($0.1)) " } ?? ""
    Console.current.out(global.style.wrap(counter + text.render(details)))
    let count = details.conflict.versions.count
    let question =
      details.isValueConflict
      ? "Keep which? [1-\(count)] pick, e edit, d diff, s skip, q quit, ? help: "
      : "Keep the annotation? r restore, x delete it, s skip, q quit, ? help: "
    while true {
      Console.current.errRaw(question)
      guard let line = readLine() else {
        Console.current.err("")
        return .quit
      }
      let answer = line.trimmingCharacters(in: .whitespaces).lowercased()
      switch answer {
      case "s", "skip": return .skipped
      case "q", "quit": return .quit
      case "?", "h", "help":
        Console.current.err(help(details))
        continue
      default: break
      }
      guard let choice = choice(for: answer, details) else {
        if details.isValueConflict && (answer == "d" || answer == "diff") {
          Console.current.out(global.style.wrap(text.diffs(details)))
        } else {
          Console.current.err(
            "'\(line.sanitizedLine)' is not an answer here. " + help(details))
        }
        continue
      }
      do {
        let resolution = try choice.resolution(for: details)
        try replica.resolve(conflict: details.conflict.id, with: resolution)
      } catch let error as ResolveEditError {
        Console.current.err(error.description)
        continue
      } catch let error as ReplicaError {
        Console.current.err(error.description)
        continue
      }
      Console.current.out(ResolveCommand.resolvedLine(details))
      return .resolved
    }
  }

  private func choice(for answer: String, _ details: ConflictDetails) -> ResolveChoice? {
    if details.isValueConflict {
      if let number = Int(answer), (1...details.conflict.versions.count).contains(number) {
        return .pick(number)
      }
      if answer == "e" || answer == "edit" { return .edit }
      return nil
    }
    switch answer {
    case "r", "restore", "keep": return .restore
    case "x", "delete": return .confirmDelete
    default: return nil
    }
  }

  private func help(_ details: ConflictDetails) -> String {
    if details.isValueConflict {
      return "Answer a number from 1 to \(details.conflict.versions.count) to keep that version,"
        + " e to edit every version in $EDITOR, d to see each version's changes, s to skip"
        + " this conflict, q to stop."
    }
    return "Answer r to keep the annotation, x to delete it, s to skip this conflict, q to stop."
  }
}
