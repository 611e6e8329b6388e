import FolioModel

/// What was worked out of a piece of changes ahead of the merge, by position in the piece
/// (a bundle's on its reader thread, a pull page's from the bytes it was read from): values
/// as the bytes they arrived in, and the target columns of annotations.
struct PieceHints: Sendable {
  var values = ValueBytes()
  var targets: [Int: TargetColumns] = [:]

  init() {}

  /// The hints of changes `ChangeJSON.decodeLocatingValue` read from `bytes` (one slice
  /// each, a pull page's), whose values lie at `valueRanges` in them.
  init(_ changes: [Change], bytes: [ArraySlice<UInt8>], valueRanges: [Range<Int>?]) {
    for (index, (change, encoded)) in zip(changes, bytes).enumerated() {
      let range = valueRanges[index]
      append(change, value: range.map { encoded.dropFirst($0.lowerBound).prefix($0.count) })
    }
  }

  /// Records the next change (at position `values.count`) with its value's bytes, and its
  /// target's columns when they are known already.
  mutating func append(
    _ change: Change, value: ArraySlice<UInt8>?, target: TargetColumns? = nil
  ) {
    if let columns = target ?? (TargetColumns.applies(to: change) ? TargetColumns(change) : nil) {
      targets[values.count] = columns
    }
    values.append(value)
  }
}
