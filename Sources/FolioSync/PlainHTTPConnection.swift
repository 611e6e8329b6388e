#if canImport(Glibc)
  import Glibc
#endif

extension PlainHTTP {
  /// A connected TCP socket. Each call waits at most until the exchange's deadline.
  final class Connection: Sendable {
    let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// Connects to `host`:`port`, trying each address the name resolves to, for at most
    /// 10 s each and never past `deadline`.
    static func open(
      host: String, port: Int, _ deadline: Deadline, _ cancellation: Cancellation
    ) throws(Failure) -> Connection {
      var hints = addrinfo()
      hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
      hints.ai_family = AF_UNSPEC
      var list: UnsafeMutablePointer<addrinfo>?
      guard getaddrinfo(host, String(port), &hints, &list) == 0, let list else {
        throw Failure(reason: "unknown host")
      }
      defer { freeaddrinfo(list) }
      var reason = "connection refused (is the server running?)"
      var address: UnsafeMutablePointer<addrinfo>? = list
      while let current = address {
        address = current.pointee.ai_next
        let seconds = min(try deadline.remaining(), 10)
        let descriptor = socket(
          current.pointee.ai_family, current.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue),
          current.pointee.ai_protocol)
        guard descriptor >= 0 else { continue }
        guard cancellation.watch(descriptor) else {
          Glibc.close(descriptor)
          throw .cancelled
        }
        let failure = connect(
          descriptor, current.pointee.ai_addr, current.pointee.ai_addrlen, seconds)
        cancellation.release()
        if cancellation.isCancelled {
          Glibc.close(descriptor)
          throw .cancelled
        }
        if let failure {
          reason = failure
          Glibc.close(descriptor)
          continue
        }
        var one: Int32 = 1
        setsockopt(
          descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return Connection(descriptor: descriptor)
      }
      throw Failure(reason: reason)
    }

    /// Connects without blocking longer than `seconds`; nil once connected, else why not.
    private static func connect(
      _ descriptor: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t,
      _ seconds: Double
    ) -> String? {
      let flags = fcntl(descriptor, F_GETFL)
      _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
      defer { _ = fcntl(descriptor, F_SETFL, flags) }
      if Glibc.connect(descriptor, address, length) == 0 { return nil }
      guard errno == EINPROGRESS else { return reason(errno) }
      let connectBy = Deadline(seconds: seconds)
      while true {
        guard let left = try? connectBy.remaining() else { return "timed out" }
        var poll = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        let ready = Glibc.poll(&poll, 1, Int32(left * 1000))
        if ready < 0, errno == EINTR { continue }
        guard ready > 0 else { return ready == 0 ? "timed out" : reason(errno) }
        break
      }
      var error: Int32 = 0
      var size = socklen_t(MemoryLayout<Int32>.size)
      getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &size)
      return error == 0 ? nil : reason(error)
    }

    private static func reason(_ code: Int32) -> String {
      switch code {
      case ECONNREFUSED: return "connection refused (is the server running?)"
      case ETIMEDOUT: return "timed out"
      case ENETUNREACH, EHOSTUNREACH: return "no route to the host"
      default: return String(cString: strerror(code))
      }
    }

    /// True when nothing waits to be read: a kept connection that is readable was closed by
    /// the server (or holds bytes no request asked for) and must not carry a request.
    var isQuiet: Bool {
      var poll = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
      return Glibc.poll(&poll, 1, 0) == 0
    }

    /// Makes the next call give up when the deadline comes.
    private func limit(to deadline: Deadline) throws(Failure) {
      let seconds = try deadline.remaining()
      var time = timeval(
        tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
      let size = socklen_t(MemoryLayout<timeval>.size)
      guard setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, size) == 0,
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &time, size) == 0
      else { throw Failure(reason: String(cString: strerror(errno))) }
    }

    func write(_ bytes: [UInt8], _ deadline: Deadline) throws(Failure) {
      var offset = 0
      while offset < bytes.count {
        try limit(to: deadline)
        let written = bytes.withUnsafeBytes {
          Glibc.send(
            descriptor, $0.baseAddress.map { $0 + offset }, bytes.count - offset,
            Int32(MSG_NOSIGNAL))
        }
        if written < 0 {
          if errno == EINTR { continue }
          let code = errno
          throw Failure(
            reason: Self.failure(code), endedBeforeAnswer: code == EPIPE || code == ECONNRESET)
        }
        offset += written
      }
    }

    /// Up to `count` bytes appended to `buffer`; 0 at the end of the connection.
    func read(
      into buffer: inout [UInt8], count: Int, _ deadline: Deadline
    ) throws(Failure) -> Int {
      let start = buffer.count
      buffer.append(contentsOf: repeatElement(0, count: count))
      while true {
        do {
          try limit(to: deadline)
        } catch {
          buffer.removeLast(count)
          throw error
        }
        let received = buffer.withUnsafeMutableBytes {
          Glibc.recv(descriptor, $0.baseAddress.map { $0 + start }, count, 0)
        }
        if received >= 0 {
          buffer.removeLast(count - received)
          return received
        }
        if errno == EINTR { continue }
        let code = errno
        buffer.removeLast(count)
        throw Failure(reason: Self.failure(code), endedBeforeAnswer: code == ECONNRESET)
      }
    }

    private static func failure(_ code: Int32) -> String {
      switch code {
      case EAGAIN, ETIMEDOUT: return "timed out"
      case ECONNRESET, EPIPE: return "the server closed the connection"
      default: return String(cString: strerror(code))
      }
    }

    func close() { Glibc.close(descriptor) }
  }
}
