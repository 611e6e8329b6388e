/// One edit of a token sequence: the base tokens `start..<end` replaced by `replacement`
/// (an insertion when `start == end`, a deletion when `replacement` is empty).
public struct TextEdit: Hashable, Sendable {
  public let start: Int
  public let end: Int
  /// The new tokens, as token ids of the diff that made the edit.
  public let replacement: [Int]

  public init(start: Int, end: Int, replacement: [Int]) {
    self.start = start
    self.end = end
    self.replacement = replacement
  }

  /// True when this edit and `other` (of another version) cannot both apply: their base
  /// ranges overlap, or they touch at the same start or end (two insertions at one point, or
  /// an insertion at the edge of a replaced range: which text would come first?).
  func collides(with other: TextEdit) -> Bool {
    (start < other.end && other.start < end) || start == other.start || end == other.end
  }
}

/// The word-level diff of texts (`Protocol/merge-rules.md` §4.7.2): which base tokens each
/// version replaced.
///
/// Written here rather than taken from a library: the diff is part of the protocol (every
/// replica, in any language, must cut the same edits, or a merge would differ between
/// replicas), so its choice among equally long common subsequences is specified exactly. The
/// standard library's `difference(from:)` leaves that choice unspecified.
public struct TextDiff: Sendable {
  /// Above this many cells ((n + 1) × (m + 1) for the unequal middle parts), the middle is
  /// one replacement instead of a longest-common-subsequence table.
  public static let tableLimit = 1 << 20

  /// Interned tokens: equal scalars, equal id.
  private var ids: [[Unicode.Scalar]: Int] = [:]
  /// Each id's text.
  public private(set) var texts: [String] = []

  public init() {}

  /// The ids of `text`'s tokens, interning new ones.
  public mutating func tokenIDs(_ text: String) -> [Int] {
    TextTokens.split(text).map { token in
      let key = Array(token.unicodeScalars)
      if let id = ids[key] { return id }
      ids[key] = texts.count
      texts.append(token)
      return texts.count - 1
    }
  }

  /// The edits that turn `base` into `version`, in base order, separated by at least one
  /// unchanged base token.
  ///
  /// The common prefix and suffix are kept; of the middles, a longest common subsequence is
  /// kept, chosen by walking the suffix table from the start: equal tokens are kept, else a
  /// base token is dropped when that keeps the longest subsequence, else a version token is
  /// taken.
  public static func edits(from base: [Int], to version: [Int]) -> [TextEdit] {
    var prefix = 0
    while prefix < base.count, prefix < version.count, base[prefix] == version[prefix] {
      prefix += 1
    }
    var suffix = 0
    while suffix < min(base.count, version.count) - prefix,
      base[base.count - 1 - suffix] == version[version.count - 1 - suffix]
    {
      suffix += 1
    }
    let a = base[prefix..<(base.count - suffix)]
    let b = version[prefix..<(version.count - suffix)]
    if a.isEmpty && b.isEmpty { return [] }
    let width = b.count + 1
    guard (a.count + 1).multipliedReportingOverflow(by: width).partialValue <= tableLimit,
      a.count < tableLimit, b.count < tableLimit
    else {
      return [TextEdit(start: a.startIndex, end: a.endIndex, replacement: Array(b))]
    }
    // lengths[i * width + j]: the longest common subsequence of a[i...] and b[j...].
    var lengths = [Int32](repeating: 0, count: (a.count + 1) * width)
    for i in stride(from: a.count - 1, through: 0, by: -1) {
      for j in stride(from: b.count - 1, through: 0, by: -1) {
        lengths[i * width + j] =
          a[a.startIndex + i] == b[b.startIndex + j]
          ? lengths[(i + 1) * width + j + 1] + 1
          : max(lengths[(i + 1) * width + j], lengths[i * width + j + 1])
      }
    }
    var edits: [TextEdit] = []
    var open: (start: Int, replacement: [Int])?
    var i = 0
    var j = 0
    func close(at end: Int) {
      if let edit = open {
        edits.append(TextEdit(start: edit.start, end: end, replacement: edit.replacement))
        open = nil
      }
    }
    while i < a.count || j < b.count {
      if i < a.count, j < b.count, a[a.startIndex + i] == b[b.startIndex + j] {
        close(at: a.startIndex + i)
        i += 1
        j += 1
      } else if i < a.count,
        j == b.count || lengths[(i + 1) * width + j] >= lengths[i * width + j + 1]
      {
        if open == nil { open = (a.startIndex + i, []) }
        i += 1
      } else {
        if open == nil { open = (a.startIndex + i, []) }
        open?.replacement.append(b[b.startIndex + j])
        j += 1
      }
    }
    close(at: a.startIndex + i)
    return edits
  }
}
