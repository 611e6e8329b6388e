import FolioArticles
import FolioModel
import FolioSQLite
import Foundation

/// What writing a bundle did.
public struct BundleSummary: Equatable, Sendable {
  public let changes: Int
  public let bytes: Int
}

extension Replica {
  /// Writes the changes `vector` lacks (all when nil) to a bundle file, atomically.
  ///
  /// - Parameters:
  ///   - path: The bundle file to write (replaced if present).
  ///   - vector: What the receiving replica already has.
  /// - Returns: How many changes and bytes were written.
  /// - Throws: An error saying what went wrong; nothing is changed then.
  public func createBundle(at path: String, for vector: VersionVector?) throws -> BundleSummary {
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
      let header = BundleHeader(site: site, vector: try versionVector(), created: wallClock())
      var headerLine = header.encoded()
      headerLine.append(0x0A)
      hasher.update(headerLine)
      pending += headerLine
      try forEachChange(notCoveredBy: vector ?? VersionVector()) { change in
        var line = ChangeJSON.encode(change)
        line.append(0x0A)
        hasher.update(line)
        pending += line
        count += 1
        if pending.count >= 1 << 20 { try flush() }
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
    return BundleSummary(changes: count, bytes: bytes)
  }

  /// Reads only a bundle's header (to learn what its writer has).
  public static func bundleHeader(at path: String) throws -> BundleHeader {
    var reader = try openBundle(path)
    defer { reader.close() }
    return try readHeader(&reader).header
  }

  private static func openBundle(_ path: String) throws -> LineReader {
    do {
      return try LineReader(
        path: path, maximumLineBytes: ChangeLimits.standard.maximumChangeBytes)
    } catch {
      throw ReplicaError.invalidOperation("cannot read \(path): no such file or not readable")
    }
  }

  private static func readHeader(
    _ reader: inout LineReader
  ) throws -> (header: BundleHeader, line: ArraySlice<UInt8>) {
    let first: (line: ArraySlice<UInt8>, endedWithNewline: Bool)?
    do { first = try reader.next() } catch { throw tooLong(line: 1) }
    guard let first, first.endedWithNewline else {
      throw BundleError(.notABundle, "not a Folio bundle (its first line is not a bundle header)")
    }
    return (try BundleHeader.decode(first.line), first.line)
  }

  /// Applies a bundle in one transaction, streaming it. A corrupt, truncated or foreign file
  /// is refused whole; applying the same bundle twice changes nothing.
  public func applyBundle(at path: String) throws -> ApplyReport {
    var reader = try Replica.openBundle(path)
    defer { reader.close() }
    let headerLine = try Replica.readHeader(&reader).line
    // `batch` reports failures as `ReplicaError`; a refusal of the bundle itself is rethrown
    // as the `BundleError` it is, so callers see which rule a change line broke.
    var refusal: BundleError?
    do {
      return try batch {
        do {
          return try applyLines(&reader, headerLine: headerLine)
        } catch let error as BundleError {
          refusal = error
          throw error
        }
      }
    } catch {
      throw refusal ?? error
    }
  }

  /// Checks every line in the order of `Protocol/bundle.md` (the first refusal is reported),
  /// adding the changes in pieces as it goes; a change that conflicts with one held is
  /// reported only once the whole file is known to be a well-formed bundle (B11 comes last).
  private func applyLines(
    _ reader: inout LineReader, headerLine: ArraySlice<UInt8>
  ) throws -> ApplyReport {
    var session = try beginApply()
    var hasher = SHA256Hasher()
    hasher.update(headerLine)
    hasher.update(CollectionOfOne(0x0A))
    var count = 0
    var piece: [Change] = []
    var trailer: BundleTrailer?
    var conflict: ReplicaError?
    func add() throws {
      defer { piece.removeAll(keepingCapacity: true) }
      guard conflict == nil else { return }
      do { try session.add(piece) } catch let error as ReplicaError {
        switch error {
        case .rejectedChange, .sharedSite: conflict = error
        default: throw error
        }
      }
    }
    while let (line, ended) = try Replica.nextLine(&reader, number: count + 2) {
      let number = count + 2 + (trailer == nil ? 0 : 1)
      guard trailer == nil else {
        throw BundleError(
          .dataAfterTrailer, "the bundle has data after its end marker (line \(number))")
      }
      guard ended else {
        throw BundleError(.truncated, "the bundle is truncated (its last line is cut off)")
      }
      guard !line.isEmpty else {
        throw BundleError(.malformedLine, "line \(number) of the bundle is blank")
      }
      guard line.last != 0x0D else {
        throw BundleError(
          .malformedLine, "line \(number) of the bundle ends with CR: lines end with \\n only")
      }
      if BundleTrailer.isTrailer(line) {
        trailer = try BundleTrailer.decode(line)
        continue
      }
      hasher.update(line)
      hasher.update(CollectionOfOne(0x0A))
      count += 1
      do throws(InvalidChange) {
        piece.append(try ChangeJSON.decode(line))
      } catch {
        throw BundleError(
          .invalidChange, "change \(count) of the bundle (line \(count + 1)): \(error)",
          refusal: error)
      }
      if piece.count == 2_000 { try add() }
    }
    guard let trailer, trailer.end else {
      throw BundleError(.truncated, "the bundle is truncated (no end marker)")
    }
    guard trailer.count == count, trailer.sha256 == Hex.encode(hasher.finalize()) else {
      throw BundleError(.checksumMismatch, "the bundle is corrupt (its checksum does not match)")
    }
    try add()
    if let conflict { throw BundleError(.conflictingChange, conflict.description) }
    return try session.finish()
  }

  private static func tooLong(line number: Int) -> BundleError {
    BundleError(
      .lineTooLong,
      "line \(number) of the bundle is longer than \(ChangeLimits.standard.maximumChangeBytes)"
        + " bytes, the longest a change can be")
  }

  private static func nextLine(
    _ reader: inout LineReader, number: Int
  ) throws -> (ArraySlice<UInt8>, Bool)? {
    do {
      guard let next = try reader.next() else { return nil }
      return (next.line, next.endedWithNewline)
    } catch {
      throw tooLong(line: number)
    }
  }
}
