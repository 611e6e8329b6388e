import Foundation

/// Why editing a conflict's resolution did not give a value; each leaves the conflict open.
enum ResolveEditError: Error, CustomStringConvertible, Equatable {
  /// The editor exited with a failure status.
  case editorFailed(status: Int32)
  /// The editor was killed by a signal.
  case editorKilled(signal: Int32)
  /// The saved file still holds a conflict marker on this line.
  case markersLeft(line: Int)
  /// The saved file is empty: the person cancelled.
  case cancelled
  /// The temporary file could not be made or read.
  case file(String)

  var description: String {
    switch self {
    case .editorFailed(let status):
      "the editor exited with status \(status); nothing changed, the conflict stays open"
    case .editorKilled(let signal):
      "the editor was killed (signal \(signal)); nothing changed, the conflict stays open"
    case .markersLeft(let line):
      "the edited text still holds a conflict marker (line \(line): <<<<<<<, |||||||, ======= or"
        + " >>>>>>>); keep the text you want and delete the markers. Nothing changed, the"
        + " conflict stays open"
    case .cancelled:
      "the edited file is empty: cancelled; nothing changed, the conflict stays open"
    case .file(let reason):
      "could not prepare the file to edit (\(reason)); nothing changed"
    }
  }
}

/// Runs the person's editor (`$VISUAL`, `$EDITOR`, else `vi`) on a private temporary file
/// and reads back what they saved.
enum ResolveEditor {
  /// The text saved from editing `initial`, without trailing newlines.
  ///
  /// The file is made by `mkstemps` (mode 0600, an unpredictable name in `$TMPDIR` or
  /// `/tmp`) and removed afterwards. The result is refused when it still holds a conflict
  /// marker, and an empty file means "cancel".
  static func edit(
    _ initial: String, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(ResolveEditError) -> String {
    let path = try makeFile(holding: initial, environment: environment)
    defer { unlink(path) }
    let editor =
      environment["VISUAL"].flatMap { $0.isEmpty ? nil : $0 }
      ?? environment["EDITOR"].flatMap { $0.isEmpty ? nil : $0 } ?? "vi"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    // The editor may carry its own arguments ("code --wait"): the shell splits them; the
    // file's path is passed as a separate argument, never spliced into the command.
    process.arguments = ["-c", "\(editor) \"$1\"", "sh", path]
    do { try process.run() } catch { throw .file("cannot start the editor: \(error)") }
    process.waitUntilExit()
    if process.terminationReason == .uncaughtSignal {
      throw .editorKilled(signal: process.terminationStatus)
    }
    guard process.terminationStatus == 0 else {
      throw .editorFailed(status: process.terminationStatus)
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw .file("the edited file is gone")
    }
    let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
    if let line = ConflictMarkers.firstMarkerLine(in: text) { throw .markersLeft(line: line) }
    guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .cancelled }
    return text
  }

  /// A new file only this user can read, holding `text`; returns its path.
  private static func makeFile(
    holding text: String, environment: [String: String]
  ) throws(ResolveEditError) -> String {
    var folder = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    while folder.count > 1 && folder.hasSuffix("/") { folder.removeLast() }
    var template = Array((folder + "/folio-resolve-XXXXXX.txt").utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
      guard let base = buffer.baseAddress else { return -1 }
      return mkstemps(base, 4)
    }
    guard descriptor >= 0 else {
      throw .file("mkstemps in \(folder): \(String(cString: strerror(errno)))")
    }
    let path = String(
      decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    do {
      try handle.write(contentsOf: Data(text.utf8))
      try handle.close()
    } catch {
      unlink(path)
      throw .file("writing \(path): \(error)")
    }
    return path
  }
}
