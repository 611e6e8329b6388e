import Foundation

/// Reads a file line by line in fixed-size chunks, so a large bundle is never held whole.
struct LineReader {
  private let handle: FileHandle
  private var buffer: [UInt8] = []
  private var start = 0
  private var atEnd = false
  private let chunkSize = 1 << 20
  /// The longest line accepted; a longer one means the file is not a bundle.
  let maximumLineBytes: Int

  init(path: String, maximumLineBytes: Int) throws {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
    }
    self.handle = handle
    self.maximumLineBytes = maximumLineBytes
  }

  /// The next line without its newline, or nil at the end. `endedWithNewline` tells
  /// whether the line was terminated (a truncated file's last line is not).
  mutating func next() throws -> (line: ArraySlice<UInt8>, endedWithNewline: Bool)? {
    while true {
      if let newline = buffer[start...].firstIndex(of: 0x0A) {
        if newline - start > maximumLineBytes { throw LineTooLong() }
        let line = buffer[start..<newline]
        start = newline + 1
        return (line, true)
      }
      if buffer.count - start > maximumLineBytes { throw LineTooLong() }
      if atEnd {
        guard start < buffer.count else { return nil }
        let line = buffer[start...]
        start = buffer.count
        return (line, false)
      }
      buffer.removeFirst(start)
      start = 0
      let chunk = try handle.read(upToCount: chunkSize) ?? Data()
      if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
    }
  }

  func close() { try? handle.close() }

  struct LineTooLong: Error {}
}
