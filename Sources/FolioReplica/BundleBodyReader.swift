import FolioModel

/// A run of a bundle's changes, decoded.
struct BundlePiece: Sendable {
  var changes: [Change] = []
  /// Their values' bytes as they were in the bundle, and what their rows show of
  /// annotation targets.
  var hints = PieceHints()
  /// Set on the last piece: nil when the bundle ended with a trailer whose count and
  /// checksum hold; otherwise the refusal of the line it stopped at (or of its end). The
  /// piece's changes are those before that line.
  var refusal: BundleError?
  /// Set on the last piece when the file could not be read on (not a refusal of the
  /// bundle: the system's reason, such as a disk error).
  var readFailure: String?
  /// Set on the last piece of a bundle that ended well: whether its signed heads hold
  /// (`HeadVerifier.Stream.finish`).
  var heads: Result<[SiteID: SignedHead], InvalidHead>?
  var isLast = false
}

/// Reads the lines after a bundle's header in order (`Protocol/bundle.md`): each is checked
/// and decoded, goes into the checksum and is followed on its site's hash chain, up to the
/// trailer, whose count and checksum are then compared, and the signed heads last. The
/// first refusal ends the reading.
struct BundleBodyReader {
  private var reader: LineReader
  private var hasher = SHA256Hasher()
  private var signatures: HeadVerifier.Stream
  private let heads: [SignedHead]
  private var count = 0
  private var trailer: BundleTrailer?
  private var done = false

  /// Starts after the header line, which the checksum covers.
  ///
  /// - Parameters:
  ///   - reader: The bundle's lines, after its header.
  ///   - header: The header, whose heads are checked at the end.
  ///   - headerLine: The header's bytes, which begin the checksum.
  ///   - held: What the receiving replica holds: its changes are not hashed again.
  ///   - heldChains: Where the receiver's chain stands for each site that may bring changes
  ///     beyond `held`. Any other site's new changes have no head covering them, which
  ///     `finish` refuses: they are followed from a stand-in at the held seq, so that they
  ///     are not kept in memory as changes come early.
  init(
    _ reader: LineReader, header: BundleHeader, headerLine: ArraySlice<UInt8>,
    held: VersionVector, heldChains: [SiteID: SiteChain]
  ) {
    self.reader = reader
    heads = header.heads
    signatures = HeadVerifier.Stream(
      heldSeq: { held[$0] },
      heldChain: { heldChains[$0] ?? SiteChain(seq: held[$0], hash: SiteChain.empty.hash) })
    hasher.update(headerLine)
    hasher.update(byte: 0x0A)
  }

  /// The next piece of at most `size` changes; nil after the last piece.
  mutating func next(size: Int) -> BundlePiece? {
    guard !done else { return nil }
    var piece = BundlePiece()
    do throws(Stop) {
      while piece.changes.count < size {
        guard try readLine(into: &piece) else {
          do { try checkEnd() } catch { throw .refused(error) }
          piece.heads = Result { () throws(InvalidHead) in
            try signatures.finish(heads: heads)
          }
          piece.isLast = true
          break
        }
      }
    } catch {
      switch error {
      case .refused(let refusal): piece.refusal = refusal
      case .unreadable(let reason): piece.readFailure = reason
      }
      piece.isLast = true
    }
    done = piece.isLast
    return piece
  }

  /// Why reading stopped before the end.
  private enum Stop: Error {
    /// The bundle is refused.
    case refused(BundleError)
    /// The file could not be read on (`LineReader.Failure.unreadable`): the system's reason.
    case unreadable(String)
  }

  /// Reads one line: a change goes into `piece`, a trailer is kept. False at the end of
  /// the file.
  private mutating func readLine(into piece: inout BundlePiece) throws(Stop) -> Bool {
    let next: (line: ArraySlice<UInt8>, endedWithNewline: Bool)?
    do { next = try reader.next() } catch {
      switch error {
      case .tooLong: throw .refused(BundleBodyReader.tooLong(line: count + 2))
      case .unreadable(let reason): throw .unreadable(reason)
      }
    }
    guard let (line, ended) = next else { return false }
    do { try take(line, endedWithNewline: ended, into: &piece) } catch { throw .refused(error) }
    return true
  }

  /// Takes one line read: a change goes into `piece`, a trailer is kept.
  private mutating func take(
    _ line: ArraySlice<UInt8>, endedWithNewline ended: Bool, into piece: inout BundlePiece
  ) throws(BundleError) {
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
      return
    }
    hasher.update(line)
    hasher.update(byte: 0x0A)
    count += 1
    let change: Change
    do throws(InvalidChange) {
      let (decoded, value) = try line.withUnsafeBufferPointer {
        bytes throws(InvalidChange) in try ChangeJSON.decodeLocatingValue(bytes)
      }
      change = decoded
      piece.hints.append(
        change, value: value.map { line.dropFirst($0.lowerBound).prefix($0.count) })
    } catch {
      throw BundleError(
        .invalidChange, "change \(count) of the bundle (line \(count + 1)): \(error)",
        refusal: error)
    }
    // Only changes new to the receiver are hashed; the others are compared with the held
    // ones when they are integrated. (The held chains are given, so this cannot fail.)
    try? signatures.add(dot: change.dot, author: change.author, bytes: line)
    piece.changes.append(change)
  }

  private func checkEnd() throws(BundleError) {
    guard let trailer, trailer.end else {
      throw BundleError(.truncated, "the bundle is truncated (no end marker)")
    }
    guard trailer.count == count, trailer.sha256 == Hex.encode(hasher.finalize()) else {
      throw BundleError(.checksumMismatch, "the bundle is corrupt (its checksum does not match)")
    }
  }

  static func tooLong(line number: Int) -> BundleError {
    BundleError(
      .lineTooLong,
      "line \(number) of the bundle is longer than \(ChangeLimits.standard.maximumChangeBytes)"
        + " bytes, the longest a change can be")
  }
}
