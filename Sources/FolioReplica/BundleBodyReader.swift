import FolioModel

/// A run of a bundle's changes, decoded, with the lines they were read from (the signed
/// heads are checked against those bytes).
struct BundlePiece: Sendable {
  var changes: [Change] = []
  /// The changes' lines back to back, without their newlines, and where each one ends.
  var lines: [UInt8] = []
  var lineEnds: [Int] = []
  /// Set on the last piece: nil when the bundle ended with a trailer whose count and
  /// checksum hold; otherwise the refusal of the line it stopped at (or of its end). The
  /// piece's changes are those before that line.
  var refusal: BundleError?
  var isLast = false

  /// The line change `index` was read from.
  func line(_ index: Int) -> ArraySlice<UInt8> {
    lines[(index == 0 ? 0 : lineEnds[index - 1])..<lineEnds[index]]
  }
}

/// Reads the lines after a bundle's header in order (`Protocol/bundle.md`): each is checked
/// and decoded and goes into the checksum, up to the trailer, whose count and checksum are
/// then compared. The first refusal ends the reading.
struct BundleBodyReader {
  private var reader: LineReader
  private var hasher = SHA256Hasher()
  private var count = 0
  private var trailer: BundleTrailer?
  private var done = false

  /// Starts after the header line, which the checksum covers.
  init(_ reader: LineReader, headerLine: ArraySlice<UInt8>) {
    self.reader = reader
    hasher.update(headerLine)
    hasher.update(CollectionOfOne(0x0A))
  }

  /// The next piece of at most `size` changes; nil after the last piece.
  mutating func next(size: Int) -> BundlePiece? {
    guard !done else { return nil }
    var piece = BundlePiece()
    do {
      while piece.changes.count < size {
        guard try readLine(into: &piece) else {
          try checkEnd()
          piece.isLast = true
          break
        }
      }
    } catch {
      piece.refusal = error
      piece.isLast = true
    }
    done = piece.isLast
    return piece
  }

  /// Reads one line: a change goes into `piece`, a trailer is kept. False at the end of
  /// the file.
  private mutating func readLine(into piece: inout BundlePiece) throws(BundleError) -> Bool {
    let next: (line: ArraySlice<UInt8>, endedWithNewline: Bool)?
    do { next = try reader.next() } catch { throw BundleBodyReader.tooLong(line: count + 2) }
    guard let (line, ended) = next else { return false }
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
      return true
    }
    hasher.update(line)
    hasher.update(CollectionOfOne(0x0A))
    count += 1
    do throws(InvalidChange) {
      piece.changes.append(try ChangeJSON.decode(line))
    } catch {
      throw BundleError(
        .invalidChange, "change \(count) of the bundle (line \(count + 1)): \(error)",
        refusal: error)
    }
    piece.lines += line
    piece.lineEnds.append(piece.lines.count)
    return true
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

  func close() { reader.close() }
}
