/// The file `folio resolve --edit` opens: every version between diff3-style markers, as
/// git writes a conflicted file with `merge.conflictStyle = diff3`:
///
/// ```
/// <<<<<<< alice (2026-11-30 05:02 UTC)
/// Alice's text
/// ||||||| base
/// The text both started from
/// =======
/// Bob's text
/// >>>>>>> bob (2026-11-30 05:03 UTC)
/// ```
///
/// A third version and more each follow their own `======= carol (…)` line. The person
/// keeps what they want and deletes the rest, markers included.
enum ConflictMarkers {
  /// One side of the conflict: who wrote it, and the text.
  struct Side: Equatable {
    let label: String
    let text: String
  }

  static let open = "<<<<<<<"
  static let base = "|||||||"
  static let separator = "======="
  static let close = ">>>>>>>"

  /// The file holding `versions` (at least one) and the base when known.
  static func file(versions: [Side], base: Side?) -> String {
    guard let first = versions.first else { return "" }
    var lines = ["\(open) \(first.label)", first.text]
    if let base { lines += ["\(ConflictMarkers.base) \(base.label)", base.text] }
    let rest = versions.dropFirst()
    for (offset, side) in rest.enumerated() {
      let isLast = offset == rest.count - 1
      lines += [isLast ? separator : "\(separator) \(side.label)", side.text]
      if isLast { lines.append("\(close) \(side.label)") }
    }
    if rest.isEmpty { lines.append(close) }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The first line (1-based) of `text` that is still a conflict marker, or nil.
  static func firstMarkerLine(in text: String) -> Int? {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    for (index, line) in lines.enumerated() where isMarker(line) { return index + 1 }
    return nil
  }

  private static func isMarker(_ line: Substring) -> Bool {
    for marker in [open, base, separator, close] where line.hasPrefix(marker) {
      let rest = line.dropFirst(marker.count)
      // `=======` alone or followed by a label; not a longer run of the same character.
      if rest.isEmpty || rest.first == " " || rest.first == "\r" { return true }
    }
    return false
  }
}
