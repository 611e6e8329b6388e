import FolioModel

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// What checking a bundle's signatures costs on its own: the part of a merge that signed
/// authorship adds (`Protocol/signing.md`: one SHA-256 per change, one signature check per
/// site), to set against the whole apply.
struct VerificationResult {
  let changes: Int
  let heads: Int
  let seconds: Double
  /// Reading one head and checking its signature, alone.
  let secondsPerHead: Double

  /// What verifying `changes` changes costs when they come in `messages` pages or bundles,
  /// each with one head: the per-change part of this run plus one head per message.
  func estimate(changes count: Int, messages: Int) -> Double {
    let perChange = (seconds - Double(heads) * secondsPerHead) / Double(max(changes, 1))
    return perChange * Double(count) + secondsPerHead * Double(messages)
  }
}

enum VerificationPhase {
  struct Failed: Error, CustomStringConvertible {
    let description: String
  }

  /// Reads the bundle at `path`, decodes its changes (not timed: applying decodes them
  /// anyway), then times reading its heads (signatures checked) and following every site's
  /// chain to its head, as a receiver holding nothing does, with the code a bundle apply
  /// runs (`HeadVerifier.Stream`, one change at a time).
  static func verify(bundle path: String) throws -> VerificationResult {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw Failed(description: "cannot read \(path)")
    }
    let bytes = [UInt8](data)
    let lines = bytes.split(separator: UInt8(ascii: "\n"))
    guard let headerLine = lines.first else { throw Failed(description: "empty bundle") }
    let header = Array(headerLine)
    guard
      let member = try JSONEnvelope.members(of: header).first(where: { $0.key == "heads" })
    else { throw Failed(description: "the bundle's header has no heads") }
    let headRanges = try JSONEnvelope.elements(of: header, in: member.value)
    var items: [HeadVerifier.Item<ArraySlice<UInt8>>] = []
    items.reserveCapacity(lines.count)
    for line in lines.dropFirst() where !BundleTrailer.isTrailer(line) {
      let change = try ChangeJSON.decode(line)
      items.append(HeadVerifier.Item(dot: change.dot, author: change.author, bytes: line))
    }
    let (heads, seconds) = try MonotonicClock.time {
      let heads = try headRanges.map { try SignedHead.decode(header[$0]) }
      var stream = HeadVerifier.Stream(heldSeq: { _ in 0 }, heldChain: { _ in SiteChain.empty })
      for item in items { try stream.add(dot: item.dot, author: item.author, bytes: item.bytes) }
      let advanced = try stream.finish(heads: heads)
      guard advanced.count == heads.count else {
        throw Failed(description: "a head brought nothing new")
      }
      return heads
    }
    let repeats = 200
    let headBytes = heads.first.map { $0.encoded() } ?? []
    let (_, headSeconds) = try MonotonicClock.time {
      for _ in 0..<repeats where !headBytes.isEmpty { _ = try SignedHead.decode(headBytes) }
    }
    return VerificationResult(
      changes: items.count, heads: heads.count, seconds: seconds,
      secondsPerHead: headSeconds / Double(repeats))
  }
}
