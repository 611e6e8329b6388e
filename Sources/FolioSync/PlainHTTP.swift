import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// HTTP/1.1 over a plain TCP socket, for `http://` remotes (this machine or a trusted
/// network; `https://` goes through AsyncHTTPClient).
///
/// Hand-written because a sync that has nothing to exchange is one small request, and
/// setting up AsyncHTTPClient and its event loops for it cost about a fifth of the
/// `folio sync` process (its threads, channel pipeline and the runtime's first lookups of
/// its generic types), more than the request itself. It speaks only what Folio's server
/// answers with: a status line, headers, and a body by `Content-Length`, chunked, or up to
/// the end of the connection. Idle connections are kept for the process's next request.
enum PlainHTTP {
  /// One request, ready to send.
  struct Request {
    let host: String
    let port: Int
    /// The request line and headers, through the blank line, then the body.
    let bytes: [UInt8]
    let timeout: Double
  }

  /// One answer, its body as it came (still compressed if it was).
  struct Response {
    let status: Int
    /// Header names in lowercase.
    let headers: [String: String]
    let body: [UInt8]
    /// Bytes read from the socket for this answer (status line, headers, framing, body).
    let wireBytes: Int
  }

  /// Why an exchange failed, in words for `SyncError.unreachable`.
  struct Failure: Error {
    let reason: String
    /// The connection ended before the first byte of an answer.
    var endedBeforeAnswer = false
  }

  /// The largest response header accepted.
  static let maximumHeaderBytes = 64 * 1024

  /// Builds the bytes of a request for `url` (whose scheme is http).
  static func request(
    _ method: String, _ url: URL, headers: [(String, String)], body: [UInt8]?, timeout: Double
  ) -> Request {
    let host = url.host ?? "localhost"
    let port = url.port ?? 80
    // As written in the URL: `URL.path` would decode an escape such as %2F.
    let components = URLComponents(url: url, resolvingAgainstBaseURL: true)
    let path = components?.percentEncodedPath ?? url.path
    var target = path.isEmpty ? "/" : path
    if let query = components?.percentEncodedQuery { target += "?" + query }
    var head = "\(method) \(target) HTTP/1.1\r\n"
    let hostHeader = host.contains(":") ? "[\(host)]" : host
    head += "Host: \(hostHeader)\(url.port.map { ":\($0)" } ?? "")\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    if let body { head += "Content-Length: \(body.count)\r\n" }
    head += "\r\n"
    return Request(host: host, port: port, bytes: Array(head.utf8) + (body ?? []), timeout: timeout)
  }

  /// Sends `request` and reads the answer, on a thread of its own: the socket calls block,
  /// and must hold neither a thread of Swift's small concurrency pool nor wait for one.
  static func exchange(_ request: Request, maximumBodyBytes: Int) async throws(Failure) -> Response
  {
    let result = await withCheckedContinuation { continuation in
      Thread.detachNewThread {
        continuation.resume(
          returning: Result { () throws(Failure) -> Response in
            try exchangeBlocking(request, maximumBodyBytes: maximumBodyBytes)
          })
      }
    }
    return try result.get()
  }

  private static func exchangeBlocking(
    _ request: Request, maximumBodyBytes: Int
  ) throws(Failure) -> Response {
    let origin = "\(request.host):\(request.port)"
    // A kept connection the server has closed since ends before any answer: the request
    // is then sent once more on a new one (the server closes only idle connections, so it
    // took in nothing of it).
    if let kept = idle.withLock({ $0[origin]?.popLast() }) {
      do {
        return try attempt(request, on: kept, origin: origin, maximumBodyBytes)
      } catch let failure where failure.endedBeforeAnswer {
        // Sent again below, on a new connection.
      }
    }
    let connection = try Connection.open(host: request.host, port: request.port, request.timeout)
    return try attempt(request, on: connection, origin: origin, maximumBodyBytes)
  }

  private static func attempt(
    _ request: Request, on connection: Connection, origin: String, _ maximumBodyBytes: Int
  ) throws(Failure) -> Response {
    do {
      try connection.setTimeout(request.timeout)
      try connection.write(request.bytes)
      var reader = ResponseReader(connection: connection)
      let response = try reader.read(maximumBodyBytes: maximumBodyBytes)
      if reader.keepsConnection(response) {
        idle.withLock { $0[origin, default: []].append(connection) }
      } else {
        connection.close()
      }
      return response
    } catch {
      connection.close()
      throw error
    }
  }

  /// Connections whose last answer ended cleanly, by host and port.
  private static let idle = Mutex<[String: [Connection]]>([:])

  /// A connected TCP socket.
  final class Connection: Sendable {
    let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// Connects to `host`:`port`, trying each address the name resolves to.
    static func open(host: String, port: Int, _ timeout: Double) throws(Failure) -> Connection {
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
        let descriptor = socket(
          current.pointee.ai_family, current.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue),
          current.pointee.ai_protocol)
        guard descriptor >= 0 else { continue }
        if let failure = connect(
          descriptor, current.pointee.ai_addr, current.pointee.ai_addrlen, timeout)
        {
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

    /// Connects without blocking longer than `timeout`; nil once connected, else why not.
    private static func connect(
      _ descriptor: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t,
      _ timeout: Double
    ) -> String? {
      let flags = fcntl(descriptor, F_GETFL)
      _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
      defer { _ = fcntl(descriptor, F_SETFL, flags) }
      if Glibc.connect(descriptor, address, length) == 0 { return nil }
      guard errno == EINPROGRESS else { return reason(errno) }
      var poll = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
      let ready = Glibc.poll(&poll, 1, Int32(min(timeout, 10) * 1000))
      guard ready > 0 else { return ready == 0 ? "timed out" : reason(errno) }
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

    func setTimeout(_ seconds: Double) throws(Failure) {
      var time = timeval(
        tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
      let size = socklen_t(MemoryLayout<timeval>.size)
      guard setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, size) == 0,
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &time, size) == 0
      else { throw Failure(reason: String(cString: strerror(errno))) }
    }

    func write(_ bytes: [UInt8]) throws(Failure) {
      var offset = 0
      while offset < bytes.count {
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
    func read(into buffer: inout [UInt8], count: Int) throws(Failure) -> Int {
      let start = buffer.count
      buffer.append(contentsOf: repeatElement(0, count: count))
      while true {
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

extension PlainHTTP {
  /// Reads one response from a connection: status line and headers, then the body as the
  /// headers frame it.
  struct ResponseReader {
    let connection: Connection
    private var buffer: [UInt8] = []
    private var position = 0
    private var isHTTP11 = false
    private var bodyRanToClose = false

    init(connection: Connection) { self.connection = connection }

    /// True when the connection may carry another request after `response`.
    func keepsConnection(_ response: Response) -> Bool {
      isHTTP11 && !bodyRanToClose && position == buffer.count
        && response.headers["connection"]?.lowercased() != "close"
    }

    mutating func read(maximumBodyBytes: Int) throws(Failure) -> Response {
      let headerEnd = try headerLength()
      let head = String(decoding: buffer[0..<headerEnd], as: UTF8.self)
      position = headerEnd + 4
      var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
      let statusLine = lines.isEmpty ? "" : lines.removeFirst()
      let parts = statusLine.split(separator: " ", maxSplits: 2)
      guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]),
        (100...599).contains(status)
      else { throw Failure(reason: "the server's answer is not HTTP") }
      isHTTP11 = parts[0] == "HTTP/1.1"
      var headers: [String: String] = [:]
      for line in lines {
        guard let colon = line.firstIndex(of: ":") else {
          throw Failure(reason: "the server's answer has a malformed header")
        }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        headers[name] = headers[name].map { $0 + ", " + value } ?? value
      }
      let body: [UInt8]
      if status == 204 || status == 304 {
        body = []
      } else if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
        body = try chunkedBody(limit: maximumBodyBytes)
      } else if let length = headers["content-length"] {
        guard let count = Int(length), count >= 0 else {
          throw Failure(reason: "the server's answer has a malformed Content-Length")
        }
        guard count <= maximumBodyBytes else { throw tooLarge(maximumBodyBytes) }
        body = try bytes(count)
      } else {
        body = try bytesToClose(limit: maximumBodyBytes)
      }
      return Response(status: status, headers: headers, body: body, wireBytes: position)
    }

    /// The length of the header, up to the blank line that ends it.
    private mutating func headerLength() throws(Failure) -> Int {
      var searchedTo = 0
      while true {
        if buffer.count >= 4 {
          for index in max(0, searchedTo - 3)...(buffer.count - 4)
          where buffer[index] == 0x0D && buffer[index + 1] == 0x0A && buffer[index + 2] == 0x0D
            && buffer[index + 3] == 0x0A
          {
            return index
          }
          searchedTo = buffer.count
        }
        guard buffer.count <= maximumHeaderBytes else {
          throw Failure(reason: "the server's answer has a header over 64 KB")
        }
        let received: Int
        do {
          received = try connection.read(into: &buffer, count: 16 * 1024)
        } catch {
          throw Failure(
            reason: error.reason, endedBeforeAnswer: buffer.isEmpty && error.endedBeforeAnswer)
        }
        guard received > 0 else {
          throw Failure(
            reason: "the server closed the connection", endedBeforeAnswer: buffer.isEmpty)
        }
      }
    }

    /// Makes sure `count` bytes past the position are in the buffer.
    private mutating func fill(_ count: Int) throws(Failure) {
      while buffer.count - position < count {
        let wanted = max(64 * 1024, count - (buffer.count - position))
        guard try connection.read(into: &buffer, count: min(wanted, 1 << 22)) > 0 else {
          throw Failure(reason: "the server closed the connection")
        }
      }
    }

    private mutating func bytes(_ count: Int) throws(Failure) -> [UInt8] {
      try fill(count)
      defer { position += count }
      return Array(buffer[position..<(position + count)])
    }

    private mutating func line() throws(Failure) -> String {
      while true {
        if let end = buffer[position...].firstIndex(of: 0x0A) {
          defer { position = end + 1 }
          let text = String(decoding: buffer[position..<end], as: UTF8.self)
          return text.hasSuffix("\r") ? String(text.dropLast()) : text
        }
        guard buffer.count - position < 4096 else {
          throw Failure(reason: "the server's answer has a malformed chunk")
        }
        try fill(buffer.count - position + 1)
      }
    }

    private mutating func chunkedBody(limit: Int) throws(Failure) -> [UInt8] {
      var body: [UInt8] = []
      while true {
        let sizeText = try line().prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces)
        guard let size = Int(sizeText, radix: 16), size >= 0 else {
          throw Failure(reason: "the server's answer has a malformed chunk")
        }
        if size == 0 {
          while try !line().isEmpty {}  // Trailer fields, then the blank line.
          return body
        }
        guard body.count + size <= limit else { throw tooLarge(limit) }
        body += try bytes(size)
        guard try line().isEmpty else {
          throw Failure(reason: "the server's answer has a malformed chunk")
        }
      }
    }

    private mutating func bytesToClose(limit: Int) throws(Failure) -> [UInt8] {
      bodyRanToClose = true
      while try connection.read(into: &buffer, count: 64 * 1024) > 0 {
        guard buffer.count - position <= limit else { throw tooLarge(limit) }
      }
      defer { position = buffer.count }
      return Array(buffer[position...])
    }

    private func tooLarge(_ limit: Int) -> Failure {
      Failure(reason: "the answer is larger than \(limit) bytes")
    }
  }
}
