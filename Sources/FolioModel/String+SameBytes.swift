#if canImport(Glibc)
  import Glibc  // memcmp
#elseif canImport(Darwin)
  import Darwin
#endif

extension String {
  /// True when both strings are the same UTF-8 bytes.
  ///
  /// Unlike `==`, which takes canonically equivalent strings ("é" and "e" + U+0301) as
  /// equal, this tells apart every spelling that would store, sign or offset differently.
  /// Compared with `memcmp` over contiguous storage: `utf8.elementsEqual` walks the bytes
  /// through the generic iterator, a twentieth of authoring a highlight when it compared an
  /// article's insights.
  public func hasSameBytes(as other: String) -> Bool {
    guard utf8.count == other.utf8.count else { return false }
    // Read in place (native strings are contiguous); `withUTF8` would copy each string first.
    let compared = utf8.withContiguousStorageIfAvailable { left in
      other.utf8.withContiguousStorageIfAvailable { right in
        guard let leftStart = left.baseAddress, let rightStart = right.baseAddress else {
          return true  // Both empty.
        }
        return memcmp(leftStart, rightStart, left.count) == 0
      }
    }
    return (compared ?? nil) ?? utf8.elementsEqual(other.utf8)
  }
}
