import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A bare TCP connection to 127.0.0.1, for what an HTTP client library hides: sending a body
/// while reading the answer, and seeing whether the server closes the connection.
final class RawSocket: @unchecked Sendable {
  private let descriptor: Int32

  /// Connects to 127.0.0.1:`port`; reads wait at most `timeout` seconds.
  init(port: Int, timeout: Int = 5) throws {
    descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw RawSocketError.failed("socket") }
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
      throw RawSocketError.failed("connect")
    }
    var wait = timeval(tv_sec: timeout, tv_usec: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
  }

  deinit { close(descriptor) }

  /// Sends all of `bytes`; false when the peer closed or reset the connection.
  @discardableResult func send(_ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
      let sent = bytes[offset...].withUnsafeBytes {
        Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      guard sent > 0 else { return false }
      offset += sent
    }
    return true
  }

  /// What `readUntilClosed` saw: the bytes, whether the server closed the connection, and
  /// when the first bytes and the close came, in seconds from `start`.
  struct Reading {
    var bytes: [UInt8] = []
    var closed = false
    var firstBytesAfter: Double?
    var closedAfter: Double?

    var text: String { String(decoding: bytes, as: UTF8.self) }
  }

  /// Reads until the server closes the connection (end of stream or reset) or a read waits
  /// longer than the timeout.
  func readUntilClosed(since start: Date) -> Reading {
    var reading = Reading()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
      let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
      if count > 0 {
        if reading.firstBytesAfter == nil {
          reading.firstBytesAfter = Date().timeIntervalSince(start)
        }
        reading.bytes += buffer[0..<count]
        continue
      }
      if count == 0 || errno == ECONNRESET {
        reading.closed = true
        reading.closedAfter = Date().timeIntervalSince(start)
      }
      return reading
    }
  }
}

enum RawSocketError: Error {
  case failed(String)
}
