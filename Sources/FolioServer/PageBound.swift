/// How many changes of a pull page fit its bounds: at most `limit` changes and at most
/// `maximumBytes` bytes of their JSON, except that a page always takes its first change (so a
/// change larger than the bound still goes through, alone).
enum PageBound {
  /// - Parameters:
  ///   - sizes: The sizes of the next changes in order, at least `limit + 1` of them when
  ///     there are that many (the one past `limit` only says whether more follow).
  ///   - limit: The most changes.
  ///   - maximumBytes: The most bytes.
  /// - Returns: How many of `sizes` the page takes, and whether more changes follow.
  static func fit(sizes: [Int], limit: Int, maximumBytes: Int) -> (count: Int, more: Bool) {
    var count = 0
    var bytes = 0
    for size in sizes.prefix(limit) {
      guard count == 0 || bytes + size <= maximumBytes else { break }
      bytes += size
      count += 1
    }
    return (count, sizes.count > count)
  }
}
