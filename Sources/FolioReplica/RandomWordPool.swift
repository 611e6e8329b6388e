#if canImport(Glibc)
  import Glibc
#endif

/// Random words from the system's generator, drawn 4 KiB at a time.
///
/// `SystemRandomNumberGenerator` makes one `getrandom` system call per word: two per
/// annotation id, about 3% of authoring a highlight. `arc4random_buf` reads the same
/// kernel source, 4 KiB per call; only the number of calls changes.
struct RandomWordPool: RandomNumberGenerator {
  private var words: [UInt64] = []
  private var position = 0

  mutating func next() -> UInt64 {
    if position == words.count {
      words = [UInt64](repeating: 0, count: 512)
      words.withUnsafeMutableBytes { bytes in
        if let start = bytes.baseAddress { arc4random_buf(start, bytes.count) }
      }
      position = 0
    }
    defer { position += 1 }
    return words[position]
  }
}
