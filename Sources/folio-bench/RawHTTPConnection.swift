import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One blocking HTTP/1.1 keep-alive connection to 127.0.0.1, for timing requests on their
/// own: URLSession queues a process's requests through one shared loop, which under 50
/// clients measures itself more than the server.
final class RawHTTPConnection {
  private let descriptor: Int32
  private var pending: [UInt8] = []

  struct Failed: Error, CustomStringConvertible {
    let description: String
  }

  /// Connects to 127.0.0.1:`port`.
  init(port: Int) throws {
    descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw Failed(description: "socket: \(errno)") }
    var noDelay: Int32 = 1
    setsockopt(
      descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else {
      close(descriptor)
      throw Failed(description: "connect: \(errno)")
    }
  }

  deinit { close(descriptor) }

  /// Sends `GET path` and returns the status and body.
  func get(_ path: String, headers: [String: String]) throws -> (status: Int, body: [UInt8]) {
    var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    for (name, value) in headers { request += "\(name): \(value)\r\n" }
    request += "\r\n"
    let bytes = Array(request.utf8)
    var sent = 0
    while sent < bytes.count {
      let count = bytes[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
      guard count > 0 else { throw Failed(description: "send: \(errno)") }
      sent += count
    }
    let head = try readHead()
    let lines = head.split(separator: "\r\n")
    guard let statusLine = lines.first, let status = Int(statusLine.split(separator: " ")[1])
    else { throw Failed(description: "no status line") }
    var length = 0
    for line in lines.dropFirst() {
      let parts = line.split(separator: ":", maxSplits: 1)
      if parts.count == 2, parts[0].lowercased() == "content-length" {
        length = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
      }
    }
    return (status, try read(length))
  }

  private func readHead() throws -> String {
    let end: [UInt8] = [13, 10, 13, 10]
    while true {
      if let range = pending.firstRange(of: end) {
        let head = String(decoding: pending[..<range.lowerBound], as: UTF8.self)
        pending.removeSubrange(..<range.upperBound)
        return head
      }
      try fill()
    }
  }

  private func read(_ count: Int) throws -> [UInt8] {
    while pending.count < count { try fill() }
    let body = Array(pending[..<count])
    pending.removeSubrange(..<count)
    return body
  }

  private func fill() throws {
    var buffer = [UInt8](repeating: 0, count: 16_384)
    let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
    guard count > 0 else { throw Failed(description: "connection closed (\(errno))") }
    pending += buffer[..<count]
  }
}
