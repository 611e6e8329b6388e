import FolioArticles
import FolioModel
import FolioSQLite
import Foundation

/// What writing a bundle did.
public struct BundleSummary: Equatable, Sendable {
  public let changes: Int
  public let bytes: Int
  /// Changes left out because this replica holds no signed head covering them (changes of
  /// sites made before signed changes), which no reader could verify.
  public let unsigned: Int
}

extension Replica {
  /// Writes the changes `vector` lacks (all when nil) to a bundle file, atomically, with a
  /// signed head for each site among them (`Protocol/bundle.md`, version 2): this replica's
  /// own changes under a head it signs now, other sites' up to the newest head it holds.
  ///
  /// - Parameters:
  ///   - path: The bundle file to write (replaced if present).
  ///   - vector: What the receiving replica already has.
  /// - Returns: How many changes and bytes were written.
  /// - Throws: An error saying what went wrong (`ReplicaError.cannotSign` for a replica
  ///   made before signed changes); nothing is changed then.
  public func createBundle(at path: String, for vector: VersionVector?) throws -> BundleSummary {
    guard canSign else { throw ReplicaError.cannotSign(site: site) }
    let vector = vector ?? VersionVector()
    let (heads, unsigned) = try transaction { try bundleHeads(after: vector) }
    let temporary = path + ".partial"
    guard FileManager.default.createFile(atPath: temporary, contents: nil),
      let handle = FileHandle(forWritingAtPath: temporary)
    else { throw ReplicaError.invalidOperation("cannot write \(path)") }
    var hasher = SHA256Hasher()
    var count = 0
    var bytes = 0
    var pending: [UInt8] = []
    func flush() throws {
      try handle.write(contentsOf: pending)
      bytes += pending.count
      pending.removeAll(keepingCapacity: true)
    }
    do {
      let header = BundleHeader(
        site: site, vector: try versionVector(), created: wallClock(), heads: heads)
      var headerLine = header.encoded()
      headerLine.append(0x0A)
      hasher.update(headerLine)
      pending += headerLine
      for head in header.heads {
        try changeLog().forEachChunk(of: head.site, after: vector[head.site]) { changes in
          for change in changes where change.seq <= head.seq {
            var line = ChangeJSON.encode(change)
            line.append(0x0A)
            hasher.update(line)
            pending += line
            count += 1
          }
          if pending.count >= 1 << 20 { try flush() }
          return changes.last.map { $0.seq < head.seq } ?? true
        }
      }
      pending += BundleTrailer(count: count, sha256: Hex.encode(hasher.finalize())).encoded()
      pending.append(0x0A)
      try flush()
      try handle.synchronize()
      try handle.close()
      guard rename(temporary, path) == 0 else {
        throw ReplicaError.invalidOperation("cannot write \(path)")
      }
    } catch {
      try? handle.close()
      unlink(temporary)
      throw error
    }
    return BundleSummary(changes: count, bytes: bytes, unsigned: unsigned)
  }

  /// The heads of a bundle for a peer holding `vector`: this replica's own, signed now, and
  /// the newest held for every other site it has changes of beyond `vector`. Also counts
  /// the changes no head covers.
  private func bundleHeads(after vector: VersionVector) throws -> ([SignedHead], Int) {
    let held = try versionVector()
    let stored = try heldHeads()
    var heads: [SignedHead] = []
    var unsigned = 0
    for site in try sites().knownSites {
      let holding = try sites().latestSeq(of: site)
      guard holding > vector[site] else { continue }
      if site == self.site {
        heads.append(try signHead(at: held[site]))
        continue
      }
      guard let head = stored[site], head.seq > vector[site] else {
        unsigned += holding - vector[site]
        continue
      }
      heads.append(head)
      unsigned += max(0, holding - head.seq)
    }
    return (heads, unsigned)
  }

  /// Reads only a bundle's header (to learn what its writer has).
  public static func bundleHeader(at path: String) throws -> BundleHeader {
    var reader = try openBundle(path)
    defer { reader.close() }
    return try readHeader(&reader).header
  }

  /// Applies a bundle in one transaction, streaming it. Its signed heads are verified
  /// against its changes and what this replica held before (`Protocol/signing.md` §4) before
  /// the transaction commits: a bundle that fails leaves nothing behind. A corrupt,
  /// truncated, forged or foreign file is refused whole; applying the same bundle twice
  /// changes nothing.
  ///
  /// A replica that holds no change yet (one starting from the team's bundle) is written in
  /// place rather than through its write-ahead log when no other connection has it open
  /// (`Connection.writingInPlace`): each page is then written once, not twice, which was a
  /// fifth of such an apply. Other commands wait for it meanwhile.
  public func applyBundle(at path: String) throws -> ApplyReport {
    var reader = try Replica.openBundle(path)
    // Closed once the apply has returned, and with it the thread that reads the lines.
    defer { reader.close() }
    let (header, headerLine) = try Replica.readHeader(&reader)
    // `batch` reports failures as `ReplicaError`; a refusal of the bundle itself is rethrown
    // as the `BundleError` it is, so callers see which rule a line or a head broke.
    var refusal: BundleError?
    func apply() throws -> ApplyReport {
      do {
        return try batch {
          do {
            return try applyVerified(reader, header: header, headerLine: headerLine)
          } catch let error as BundleError {
            refusal = error
            throw error
          }
        }
      } catch {
        throw refusal ?? error
      }
    }
    guard try db.scalarInt("SELECT 1 FROM log LIMIT 1") == nil else { return try apply() }
    return try db.writingInPlace(apply).result
  }

  private static func openBundle(_ path: String) throws -> LineReader {
    do {
      return try LineReader(
        path: path, maximumLineBytes: ChangeLimits.standard.maximumChangeBytes)
    } catch {
      throw ReplicaError.invalidOperation("cannot read \(path): no such file or not readable")
    }
  }

  /// The error of a bundle the system could not read on: not a refusal of its content.
  private static func unreadableBundle(_ reason: String) -> ReplicaError {
    .invalidOperation("cannot read the bundle: \(reason)")
  }

  private static func readHeader(
    _ reader: inout LineReader
  ) throws -> (header: BundleHeader, line: ArraySlice<UInt8>) {
    let first: (line: ArraySlice<UInt8>, endedWithNewline: Bool)?
    do { first = try reader.next() } catch {
      switch error {
      case .tooLong: throw BundleBodyReader.tooLong(line: 1)
      case .unreadable(let reason): throw Replica.unreadableBundle(reason)
      }
    }
    guard let first, first.endedWithNewline else {
      throw BundleError(.notABundle, "not a Folio bundle (its first line is not a bundle header)")
    }
    return (try BundleHeader.decode(first.line), first.line)
  }

  /// Takes the bundle's pieces in order, the first refusal of `Protocol/bundle.md` ending
  /// it, adding the changes inside the caller's transaction as they come; then B11 (a
  /// change that conflicts with one held, reported only once the whole file is known to be
  /// a well-formed bundle), B13 (the changes continue what is held) and B12 (the signed
  /// heads). A failure throws, so the transaction keeps nothing. (Verifying before adding
  /// would read and decode the whole bundle twice.)
  private func applyVerified(
    _ reader: LineReader, header: BundleHeader, headerLine: ArraySlice<UInt8>
  ) throws -> ApplyReport {
    let held = try versionVector()
    // Where this replica's chain stands for each site the bundle may bring new changes of:
    // the heads' sites. (Another site's new changes come with no head, which B12 refuses.)
    var heldChains: [SiteID: SiteChain] = [:]
    for head in header.heads where head.seq > held[head.site] {
      heldChains[head.site] = try chain(of: head.site, at: held[head.site])
    }
    // The lines are read, checked, decoded and followed on their chains on a thread of
    // their own, a piece or two ahead of the merge (a quarter of the work, done on the
    // second core). Chains are followed as the lines stream by: the bundle is never held
    // in memory.
    let pieces = ProducerThread<BundlePiece>(depth: 2) { [reader, heldChains] emit in
      var body = BundleBodyReader(
        reader, header: header, headerLine: headerLine, held: held, heldChains: heldChains)
      while let piece = body.next(size: 2_000), emit(piece) {}
    }
    defer { pieces.stop() }
    var session = try beginApply()
    var conflict: ReplicaError?
    var verified: Result<[SiteID: SignedHead], InvalidHead>?
    while let piece = pieces.next() {
      if let refusal = piece.refusal { throw refusal }
      if let failure = piece.readFailure { throw Replica.unreadableBundle(failure) }
      verified = piece.heads
      guard conflict == nil else { continue }
      do {
        try session.add(piece.changes, hints: piece.hints, decoded: true)
      } catch let error as ReplicaError {
        switch error {
        case .rejectedChange, .sharedSite: conflict = error
        default: throw error
        }
      }
      pieces.handBack(consume piece)
    }
    if let conflict { throw BundleError(.conflictingChange, conflict.description) }
    guard let verified else {
      throw ReplicaError.invalidOperation("the bundle's reader stopped before its end")
    }
    let advanced: [SiteID: SignedHead]
    do throws(InvalidHead) {
      advanced = try verified.get()
    } catch let invalid where invalid.missing != nil {
      throw Replica.missingChanges(invalid)
    } catch {
      throw BundleError(
        .invalidHead,
        "the bundle's signatures do not hold, so its changes may have been altered or"
          + " invented: \(error)", invalidHead: error)
    }
    try recordVerified(advanced)
    if advanced.keys.contains(where: { $0 != site }) { try markRelayPending() }
    return try session.finish()
  }

  /// The refusal of a bundle whose changes of a site do not continue what this replica
  /// holds of it (B13).
  private static func missingChanges(_ gap: InvalidHead) -> BundleError {
    let range = gap.missing ?? 0...0
    let missing =
      range.count == 1
      ? "change \(range.lowerBound)" : "changes \(range.lowerBound) … \(range.upperBound)"
    let site = gap.site.map(\.short) ?? "?"
    return BundleError(
      .missingChanges,
      "the bundle lacks site \(site)'s \(missing), which this replica does not hold"
        + " either: ask for a bundle made for this replica's vector ('folio bundle vector"
        + " FILE' here, then 'folio bundle create --for FILE' there)")
  }
}
