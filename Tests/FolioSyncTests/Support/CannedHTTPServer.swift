import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A TCP server on 127.0.0.1 that answers each request with the next of a list of raw
/// responses, written byte for byte: the framings a transport must read (length, chunked,
/// up to the close), and broken ones. It records what it received.
final class CannedHTTPServer: Sendable {
  /// What to do with one request.
  enum Answer: Sendable {
    /// Writes these bytes, then keeps the connection for the next request.
    case send([UInt8])
    /// Writes these bytes, then closes the connection.
    case sendAndClose([UInt8])
    /// Reads the request and never answers.
    case silence
    /// Writes these bytes one at a time, `interval` apart, then keeps the connection.
    case trickle([UInt8], interval: Duration)
    /// Writes these bytes, then 100 ms later bytes no request asked for, and keeps the
    /// connection.
    case sendThenStray([UInt8], stray: [UInt8])
  }

  let port: UInt16
  private let listener: Int32
  private let state: Mutex<State>

  private struct State {
    var answers: [Answer]
    var requests: [[UInt8]] = []
    var connections = 0
    var descriptors: [Int32] = []
  }

  /// The requests received so far, each its header and body.
  var requests: [[UInt8]] { state.withLock { $0.requests } }
  /// The connections accepted so far.
  var connections: Int { state.withLock { $0.connections } }

  init(answers: [Answer]) throws {
    state = Mutex(State(answers: answers))
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0, listen(listener, 16) == 0 else {
      close(listener)
      throw CannedServerError()
    }
    var actual = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &actual) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
    }
    self.listener = listener
    port = UInt16(bigEndian: actual.sin_port)
    let server = self
    Thread.detachNewThread { server.acceptLoop() }
  }

  var url: String { "http://127.0.0.1:\(port)" }

  /// Stops listening and ends every open connection.
  func stop() {
    // The accept loop closes the listener once this wakes it: closed here, its number
    // could go to another socket before the loop's next accept.
    shutdown(listener, Int32(SHUT_RDWR))
    // Under the lock: a connection is closed under it too, so its number, which the
    // system may give to another socket once closed, is never shut down here.
    state.withLock { state in
      for descriptor in state.descriptors { shutdown(descriptor, Int32(SHUT_RDWR)) }
    }
  }

  private func acceptLoop() {
    while true {
      let connection = accept(listener, nil, nil)
      guard connection >= 0 else {
        close(listener)
        return
      }
      state.withLock {
        $0.connections += 1
        $0.descriptors.append(connection)
      }
      let server = self
      Thread.detachNewThread { server.serve(connection) }
    }
  }

  private func serve(_ connection: Int32) {
    defer {
      state.withLock { state in
        state.descriptors.removeAll { $0 == connection }
        close(connection)
      }
    }
    var buffer: [UInt8] = []
    while let request = Self.readRequest(connection, &buffer) {
      let answer = state.withLock { state -> Answer? in
        state.requests.append(request)
        return state.answers.isEmpty ? nil : state.answers.removeFirst()
      }
      switch answer {
      case .send(let bytes)?:
        Self.write(connection, bytes)
      case .sendAndClose(let bytes)?:
        Self.write(connection, bytes)
        return
      case .trickle(let bytes, let interval)?:
        for byte in bytes {
          Self.write(connection, [byte])
          Thread.sleep(forTimeInterval: Double(interval.components.attoseconds) / 1e18)
        }
      case .sendThenStray(let bytes, let stray)?:
        Self.write(connection, bytes)
        Thread.sleep(forTimeInterval: 0.1)
        Self.write(connection, stray)
      case .silence?:
        // Waits until the client gives up and closes, or the server stops.
        var byte: UInt8 = 0
        _ = recv(connection, &byte, 1, 0)
        return
      case nil:
        return
      }
    }
  }

  /// One request (header and its Content-Length of body); nil once the client closes.
  private static func readRequest(_ connection: Int32, _ buffer: inout [UInt8]) -> [UInt8]? {
    let separator: [UInt8] = [13, 10, 13, 10]
    while true {
      if let end = range(of: separator, in: buffer) {
        let head = String(decoding: buffer[..<end], as: UTF8.self).lowercased()
        let length =
          head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
          .flatMap {
            Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
          }
          ?? 0
        let total = end + 4 + length
        if buffer.count >= total {
          let request = Array(buffer[..<total])
          buffer.removeFirst(total)
          return request
        }
      }
      var chunk = [UInt8](repeating: 0, count: 65_536)
      let received = recv(connection, &chunk, chunk.count, 0)
      guard received > 0 else { return nil }
      buffer += chunk[..<received]
    }
  }

  private static func range(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard haystack.count >= needle.count else { return nil }
    for start in 0...(haystack.count - needle.count)
    where haystack[start..<(start + needle.count)].elementsEqual(needle) {
      return start
    }
    return nil
  }

  private static func write(_ connection: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes {
        send(
          connection, $0.baseAddress.map { $0 + offset }, bytes.count - offset,
          Int32(MSG_NOSIGNAL))
      }
      guard written > 0 else { return }
      offset += written
    }
  }
}

struct CannedServerError: Error {}
