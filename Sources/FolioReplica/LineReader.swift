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
  mutating func next() throws(Failure) -> (line: ArraySlice<UInt8>, endedWithNewline: Bool)? {
    while true {
      if let newline = buffer[start...].firstIndex(of: 0x0A) {
        if newline - start > maximumLineBytes { throw .tooLong }
        let line = buffer[start..<newline]
        start = newline + 1
        return (line, true)
      }
      if buffer.count - start > maximumLineBytes { throw .tooLong }
      if atEnd {
        guard start < buffer.count else { return nil }
        let line = buffer[start...]
        start = buffer.count
        return (line, false)
      }
      buffer.removeFirst(start)
      start = 0
      let read = try readChunk()
      if read == 0 { atEnd = true }
    }
  }

  /// Reads up to `chunkSize` bytes onto the end of `buffer`; how many came (0 at the end).
  /// Read with `read(2)` so that a failure says what the system said ("Is a directory"),
  /// which `FileHandle`'s error on Linux does not.
  private mutating func readChunk() throws(Failure) -> Int {
    let old = buffer.count
    buffer.append(contentsOf: repeatElement(0, count: chunkSize))
    let descriptor = handle.fileDescriptor
    let size = chunkSize
    var count: Int
    repeat {
      count = buffer.withUnsafeMutableBytes { bytes in
        guard let base = bytes.baseAddress else { return -1 }
        return Foundation.read(descriptor, base + old, size)
      }
    } while count < 0 && errno == EINTR
    guard count >= 0 else {
      let reason = String(cString: strerror(errno))
      buffer.removeLast(size)
      throw .unreadable(reason)
    }
    buffer.removeLast(size - count)
    return count
  }

  func close() { try? handle.close() }

  /// Why the next line could not be read.
  enum Failure: Error {
    /// A line runs past `maximumLineBytes`.
    case tooLong
    /// The system could not read the file (a folder, a disk error): what it said.
    case unreadable(String)
  }
}
