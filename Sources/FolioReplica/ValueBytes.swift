/// The canonical JSON of a run of changes' values, as they arrived, kept beside the changes
/// so the op log stores those bytes instead of writing each value again (which was 7% of
/// a bundle apply's merge). One buffer for the whole run, not an array per value.
struct ValueBytes: Sendable {
  private var buffer: [UInt8] = []
  /// Per change, in order: where its value lies in `buffer`; an empty range when it has none
  /// (a JSON value is never empty).
  private var ranges: [Range<Int>] = []

  init() {}

  /// Number of changes recorded.
  var count: Int { ranges.count }

  /// Records the next change's value: `bytes`, or none.
  mutating func append(_ bytes: ArraySlice<UInt8>?) {
    let start = buffer.count
    if let bytes { buffer.append(contentsOf: bytes) }
    ranges.append(start..<buffer.count)
  }

  /// The value bytes of change `index`, nil when it has none or was not recorded.
  subscript(index: Int) -> ArraySlice<UInt8>? {
    guard index < ranges.count, !ranges[index].isEmpty else { return nil }
    return buffer[ranges[index]]
  }
}
