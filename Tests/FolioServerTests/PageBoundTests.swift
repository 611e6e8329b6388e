import Testing

@testable import FolioServer

/// Where a pull page ends, without a database: the bounds, then the run to heads.
@Suite("Page bounds")
struct PageBoundTests {
  /// Rows from `spec`: one per character, its site the letter, upper case where a head is
  /// stored ("aaA" is three changes of site a, the last one signed), 10 bytes each.
  func rows(_ spec: String, size: Int = 10) -> [PageRow] {
    spec.enumerated().map { index, letter in
      PageRow(
        serverSeq: index + 1, site: letter.lowercased(), size: size, signed: letter.isUppercase)
    }
  }

  func cut(_ spec: String, complete: Bool = true, limit: Int, maximumBytes: Int = 1_000)
    -> PageBound.Cut
  {
    PageBound.cut(rows(spec), complete: complete, limit: limit, maximumBytes: maximumBytes)
  }

  @Test func aPageEndsAtItsBoundsWhenEverySiteThereEndsAtAHead() {
    #expect(cut("ABC", limit: 2) == .page(count: 2, more: true))
    #expect(cut("ABC", limit: 5) == .page(count: 3, more: false))
    #expect(cut("AB", limit: 5, maximumBytes: 15) == .page(count: 1, more: true))
    #expect(cut("", limit: 5) == .page(count: 0, more: false))
  }

  @Test func aPageCutInsideAPushRunsToTheHeadsOfItsSites() {
    // a and b interleaved in one push, both signed at its end; then c.
    #expect(cut("abaBAC", limit: 2) == .page(count: 5, more: true))
    // The byte bound gives way in the same way, and a first change is always taken.
    #expect(cut("abaBAC", limit: 10, maximumBytes: 1) == .page(count: 5, more: true))
    // A site signed earlier in the page but not at its last change there still runs on.
    #expect(cut("AaBA", limit: 2) == .page(count: 4, more: false))
  }

  @Test func rowsThatEndTooSoonAreReadFurther() {
    #expect(cut("aaa", complete: false, limit: 2) == .needsMoreRows)
    // The page took every row read so far: whether more follow is not known yet.
    #expect(cut("AB", complete: false, limit: 2) == .needsMoreRows)
    // With every row read and a site never signed (a store bug), the page still ends.
    #expect(cut("aa", complete: true, limit: 1) == .page(count: 2, more: false))
  }

  @Test func readingRowsInChunksGivesTheSameCut() throws {
    // One push of 101 changes of a, then changes of c each signed.
    let all = rows(String(repeating: "a", count: 100) + "A" + String(repeating: "C", count: 50))
    var asked: [(after: Int, count: Int)] = []
    let page = PageBound.rows(after: 0, limit: 3, maximumBytes: 1_000) { after, count in
      asked.append((after, count))
      return Array(all.filter { $0.serverSeq > after }.prefix(count))
    }
    #expect(page.rows.map(\.serverSeq) == Array(1...101))
    #expect(page.more)
    #expect(asked.map(\.after) == [0, 4, 68])
    #expect(asked.map(\.count) == [4, 64, 68])
    #expect(PageBound.heads(sites: ["a", "b", "a"], heads: [[1], nil, [2]]) == [[2]])
  }
}
