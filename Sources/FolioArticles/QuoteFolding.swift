import FolioModel

/// How quotes are compared with article text: curly quotes and apostrophes count as
/// straight ones, and any white space as a plain space.
enum QuoteFolding {
  /// The value `scalar` is compared as.
  static func fold(_ scalar: Unicode.Scalar) -> UInt32 {
    let value = scalar.value
    if value > 0x20, value < 0x7F { return value }
    switch value {
    // ‘ ’ ‚ ‛ ′ ʼ
    case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x02BC: return 0x27
    // “ ” „ ‟ ″
    case 0x201C, 0x201D, 0x201E, 0x201F, 0x2033: return 0x22
    // The White_Space property, spelled out: looking it up is slow.
    case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F,
      0x205F, 0x3000:
      return 0x20
    default: return value
    }
  }

  /// Every scalar of `text` folded, one value per scalar (offsets are unchanged).
  static func folded(_ scalars: [Unicode.Scalar]) -> [UInt32] {
    scalars.map(fold)
  }

  /// The offsets where `pattern` occurs in `text`, overlapping occurrences included.
  static func occurrences(of pattern: [UInt32], in text: [UInt32]) -> [Int] {
    let patternCount = pattern.count
    guard let first = pattern.first, patternCount <= text.count else { return [] }
    var result: [Int] = []
    for offset in 0...(text.count - patternCount) where text[offset] == first {
      var matched = 1
      while matched < patternCount, text[offset + matched] == pattern[matched] { matched += 1 }
      if matched == patternCount { result.append(offset) }
    }
    return result
  }
}

/// A text folded for matching quotes, white space runs collapsed to one space, that
/// remembers which scalars of the original each folded value stands for.
struct CollapsedText {
  /// The folded values.
  private(set) var values: [UInt32] = []
  /// For each folded value, the offset of its first scalar in the original.
  private(set) var starts: [Int] = []
  /// For each folded value, the offset just past its last scalar in the original.
  private(set) var ends: [Int] = []

  /// - Parameters:
  ///   - scalars: The text.
  ///   - ignoringCase: Compare letters by their lower case (where that is one scalar, so
  ///     offsets stay those of the original).
  init(_ scalars: [Unicode.Scalar], ignoringCase: Bool = false) {
    values.reserveCapacity(scalars.count)
    starts.reserveCapacity(scalars.count)
    ends.reserveCapacity(scalars.count)
    for (offset, scalar) in scalars.enumerated() {
      var value = QuoteFolding.fold(scalar)
      if ignoringCase, scalar.properties.changesWhenLowercased {
        let lower = scalar.properties.lowercaseMapping.unicodeScalars
        if lower.count == 1, let first = lower.first { value = first.value }
      }
      if value == 0x20, values.last == 0x20, let last = ends.indices.last {
        ends[last] = offset + 1
        continue
      }
      values.append(value)
      starts.append(offset)
      ends.append(offset + 1)
    }
  }

  /// The ranges of the original text where `pattern` (already collapsed) occurs.
  func occurrences(of pattern: [UInt32]) -> [Range<Int>] {
    QuoteFolding.occurrences(of: pattern, in: values).map { offset in
      starts[offset]..<ends[offset + pattern.count - 1]
    }
  }
}
