import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A TCP relay on 127.0.0.1 that forwards every connection to a server and counts the bytes
/// that cross it each way, so the bench reports bytes on the wire as the socket saw them
/// (headers, bodies, chunk framing and all), not an estimate.
final class ByteCountingRelay: @unchecked Sendable {
  // Safe to share: the listening socket and target are set once; the counters are only
  // touched under `lock`.
  private let listener: Int32
  private let targetPort: UInt16
  private let lock = NSLock()
  private var sent = 0
  private var received = 0
  private var stopped = false

  /// The port clients connect to.
  let port: UInt16

  /// Listens on an ephemeral loopback port and forwards to `targetPort` on 127.0.0.1.
  init(forwardingTo targetPort: UInt16) throws {
    self.targetPort = targetPort
    let listening = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard listening >= 0 else { throw ProcessFailure(description: "relay: no socket") }
    var address = ByteCountingRelay.loopback(port: 0)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(listening, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0, listen(listening, 64) == 0 else {
      close(listening)
      throw ProcessFailure(description: "relay: cannot listen on 127.0.0.1")
    }
    var actual = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &actual) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        getsockname(listening, $0, &length)
      }
    }
    listener = listening
    port = UInt16(bigEndian: actual.sin_port)
    Thread.detachNewThread { [self] in acceptLoop() }
  }

  /// Bytes from clients to the server and from the server to clients, so far.
  var counts: (sent: Int, received: Int) { lock.withLock { (sent, received) } }

  /// Stops accepting connections (open ones end with their peers).
  func stop() {
    lock.withLock { stopped = true }
    shutdown(listener, Int32(SHUT_RDWR))
    close(listener)
  }

  private static func loopback(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
  }

  private func acceptLoop() {
    while true {
      let client = accept(listener, nil, nil)
      guard client >= 0 else {
        if lock.withLock({ stopped }) { return }
        continue
      }
      let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var address = ByteCountingRelay.loopback(port: targetPort)
      let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
      guard upstream >= 0, connected == 0 else {
        close(client)
        if upstream >= 0 { close(upstream) }
        continue
      }
      let pair = SocketPair(client: client, upstream: upstream)
      Thread.detachNewThread { [self] in pump(pair, upstream: true) }
      Thread.detachNewThread { [self] in pump(pair, upstream: false) }
    }
  }

  /// Copies bytes one way until either side closes; then ends the connection both ways.
  private func pump(_ pair: SocketPair, upstream: Bool) {
    let source = upstream ? pair.client : pair.upstream
    let destination = upstream ? pair.upstream : pair.client
    var buffer = [UInt8](repeating: 0, count: 65_536)
    copying: while true {
      let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
      guard count > 0 else { break }
      lock.withLock {
        if upstream { sent += count } else { received += count }
      }
      var offset = 0
      while offset < count {
        let written = buffer.withUnsafeBytes { bytes -> Int in
          guard let base = bytes.baseAddress else { return -1 }
          return write(destination, base + offset, count - offset)
        }
        guard written > 0 else { break copying }
        offset += written
      }
    }
    pair.finishOneWay()
  }
}

/// A relayed connection's two sockets; closed once both directions have finished.
private final class SocketPair: @unchecked Sendable {
  // Safe to share: the descriptors never change and `finished` is only touched under `lock`.
  let client: Int32
  let upstream: Int32
  private let lock = NSLock()
  private var finished = 0

  init(client: Int32, upstream: Int32) {
    self.client = client
    self.upstream = upstream
  }

  /// Wakes the other direction (shutdown) and closes both sockets after the second call.
  func finishOneWay() {
    shutdown(client, Int32(SHUT_RDWR))
    shutdown(upstream, Int32(SHUT_RDWR))
    let done = lock.withLock {
      finished += 1
      return finished == 2
    }
    if done {
      close(client)
      close(upstream)
    }
  }
}
