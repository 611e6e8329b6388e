/// One stored change as a pull page's cut sees it: its number, its site, its size, and
/// whether a signed head is stored at it.
struct PageRow: Sendable {
  /// The server sequence number.
  let serverSeq: Int
  /// The change's site, as stored.
  let site: String
  /// The size of its canonical JSON.
  let size: Int
  /// True when a head of its site is stored at its seq.
  let signed: Bool
}

/// Where a pull page ends (`Protocol/README.md`, pull; `Protocol/signing.md` §6): at most
/// `limit` changes and `maximumBytes` bytes of their JSON, except that a page always takes its
/// first change (so a change larger than the bound still goes through, alone); then, past
/// both bounds, as many more changes as it takes for every site in the page to end at a
/// change with a stored head, so the client can verify the page. Every push stores a head at
/// each of its sites' last change, so this ends at the latest with the push that stored the
/// page's last change.
enum PageBound {
  /// Where the page ends, or that more rows must be read to know.
  enum Cut: Equatable {
    /// The page takes the first `count` rows; `more` says whether changes follow.
    case page(count: Int, more: Bool)
    /// The rows end before the page may: read the next ones and cut again.
    case needsMoreRows
  }

  /// - Parameters:
  ///   - rows: The next stored changes in order: at least `limit + 1` when there are that
  ///     many (the one past `limit` only says whether more follow).
  ///   - complete: True when `rows` holds every change after the cursor.
  ///   - limit: The most changes, before the extension to heads.
  ///   - maximumBytes: The most bytes, before the extension to heads.
  /// - Returns: How many rows the page takes and whether more follow, or that the rows end
  ///   too soon to tell.
  static func cut(
    _ rows: [PageRow], complete: Bool, limit: Int, maximumBytes: Int
  ) -> Cut {
    var count = 0
    var bytes = 0
    for row in rows.prefix(limit) {
      guard count == 0 || bytes + row.size <= maximumBytes else { break }
      bytes += row.size
      count += 1
    }
    // The sites whose last change so far in the page has no head.
    var open: Set<String> = []
    for row in rows[..<count] { mark(row, in: &open) }
    while !open.isEmpty, count < rows.count {
      mark(rows[count], in: &open)
      count += 1
    }
    if count == rows.count, !complete {
      // Either a site still waits for its head, or whether more follow is unknown.
      return .needsMoreRows
    }
    // With `complete` and a site still open, the store holds no head for it (a store bug):
    // the page ends anyway, and the client refuses it as a broken answer.
    return .page(count: count, more: count < rows.count || !complete)
  }

  private static func mark(_ row: PageRow, in open: inout Set<String>) {
    if row.signed { open.remove(row.site) } else { open.insert(row.site) }
  }
}

extension PageBound {
  /// Reads rows with `fetch(after, count)` (the rows after server sequence number `after`,
  /// at most `count`) until the page after `cursor` can be cut; returns the page's rows and
  /// whether more follow.
  static func rows(
    after cursor: Int, limit: Int, maximumBytes: Int,
    fetch: (_ after: Int, _ count: Int) throws -> [PageRow]
  ) rethrows -> (rows: ArraySlice<PageRow>, more: Bool) {
    var rows = try fetch(cursor, limit + 1)
    var complete = rows.count < limit + 1
    while true {
      switch cut(rows, complete: complete, limit: limit, maximumBytes: maximumBytes) {
      case .page(let count, let more): return (rows[..<count], more)
      case .needsMoreRows:
        let asked = max(rows.count, 64)
        let next = try fetch(rows.last?.serverSeq ?? cursor, asked)
        complete = next.count < asked
        rows += next
      }
    }
  }

  /// `rows(after:limit:maximumBytes:fetch:)` for a store that reads asynchronously.
  static func rows(
    after cursor: Int, limit: Int, maximumBytes: Int,
    fetch: (_ after: Int, _ count: Int) async throws -> [PageRow]
  ) async rethrows -> (rows: ArraySlice<PageRow>, more: Bool) {
    var rows = try await fetch(cursor, limit + 1)
    var complete = rows.count < limit + 1
    while true {
      switch cut(rows, complete: complete, limit: limit, maximumBytes: maximumBytes) {
      case .page(let count, let more): return (rows[..<count], more)
      case .needsMoreRows:
        let asked = max(rows.count, 64)
        let next = try await fetch(rows.last?.serverSeq ?? cursor, asked)
        complete = next.count < asked
        rows += next
      }
    }
  }

  /// The heads of a page, sorted by site, from its changes' sites and the heads stored at
  /// them (nil where none is) in page order: each site's last one.
  static func heads(sites: [String], heads: [[UInt8]?]) -> [[UInt8]] {
    var last: [String: [UInt8]] = [:]
    for (site, head) in zip(sites, heads) {
      if let head { last[site] = head }
    }
    return last.sorted { $0.key < $1.key }.map(\.value)
  }
}
