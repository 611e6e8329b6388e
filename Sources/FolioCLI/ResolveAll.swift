import FolioModel
import FolioReplica

/// `folio resolve --all …`: settles every open conflict the choice fits, for scripts, and
/// says what it did with each. Conflicts the choice does not fit stay open and are listed
/// with the reason.
struct ResolveAll {
  let replica: Replica
  let global: GlobalOptions

  /// What became of one conflict, as `--json` prints it.
  struct Result: Encodable {
    let conflict: ConflictsCommand.Entry
    let resolved: Bool
    /// Why it was left open; null when resolved.
    let reason: String?

    enum CodingKeys: String, CodingKey { case conflict, resolved, reason }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(conflict, forKey: .conflict)
      try container.encode(resolved, forKey: .resolved)
      try container.encode(reason, forKey: .reason)
    }
  }

  func run(_ choice: ResolveChoice) throws {
    var results: [Result] = []
    for view in try replica.conflicts() {
      // A confirmed delete also settles the annotation's other conflicts.
      guard let current = try? replica.conflict(view.conflict.id) else { continue }
      let details = try ConflictDetails.load(current, from: replica)
      let entry = ConflictsCommand.entry(details)
      if let reason = ResolveAll.misfit(choice, details) {
        results.append(Result(conflict: entry, resolved: false, reason: reason))
        continue
      }
      do {
        try replica.resolve(conflict: details.conflict.id, with: choice.resolution(for: details))
        results.append(Result(conflict: entry, resolved: true, reason: nil))
      } catch let error as ReplicaError {
        results.append(Result(conflict: entry, resolved: false, reason: error.description))
      }
    }
    if global.json {
      try JSONOutput.print(results)
      return
    }
    for result in results {
      let conflict = result.conflict
      let what = "\(conflict.id) (\(conflict.label.sanitizedLine): \(conflict.field))"
      if result.resolved {
        Console.current.out("Resolved \(what): \(ResolveAll.describe(choice)).")
      } else {
        Console.current.out("Left open \(what): \((result.reason ?? "").sanitizedLine).")
      }
    }
    let settled = results.filter(\.resolved).count
    Console.current.out(
      "Resolved \(settled) conflict\(settled == 1 ? "" : "s"); \(results.count - settled) left open."
    )
  }

  /// Why `choice` does not apply to a conflict, or nil when it does.
  static func misfit(_ choice: ResolveChoice, _ details: ConflictDetails) -> String? {
    switch choice {
    case .author(let name):
      guard details.isValueConflict else {
        return "a delete conflict (use --restore or --confirm-delete)"
      }
      guard details.conflict.versions.contains(where: { $0.author == name }) else {
        return "no version by \(name)"
      }
      return nil
    case .newest:
      return details.isValueConflict ? nil : "a delete conflict (use --restore or --confirm-delete)"
    case .restore, .confirmDelete:
      return details.isValueConflict ? "not a delete conflict" : nil
    case .pick, .value, .edit:
      return "--all takes --author, --newest, --restore or --confirm-delete"
    }
  }

  static func describe(_ choice: ResolveChoice) -> String {
    switch choice {
    case .author(let name): "kept \(name.sanitizedLine)'s version"
    case .newest: "kept the newest version"
    case .restore: "kept the annotation"
    case .confirmDelete: "deleted the annotation"
    case .pick(let index): "kept version \(index)"
    case .value: "set the given text"
    case .edit: "set the edited text"
    }
  }
}
