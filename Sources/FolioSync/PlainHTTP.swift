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
///
/// Each exchange has one deadline, for connecting, sending and reading together, and ends
/// at once when its task is cancelled (Ctrl-C in `folio sync --watch` during a long poll).
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

    static let timedOut = Failure(reason: "timed out")
    static let cancelled = Failure(reason: "cancelled")
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
    let cancellation = Cancellation()
    let result = await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        Thread.detachNewThread {
          continuation.resume(
            returning: Result { () throws(Failure) -> Response in
              try exchangeBlocking(request, maximumBodyBytes, cancellation)
            })
        }
      }
    } onCancel: {
      cancellation.cancel()
    }
    return try result.get()
  }

  private static func exchangeBlocking(
    _ request: Request, _ maximumBodyBytes: Int, _ cancellation: Cancellation
  ) throws(Failure) -> Response {
    let deadline = Deadline(seconds: request.timeout)
    let origin = "\(request.host):\(request.port)"
    // A kept connection the server closed just as it was taken ends before any answer: the
    // request is then sent once more on a new one. Every request of the protocol may be
    // sent twice (a push of changes the server holds is acknowledged again).
    if let kept = takeIdle(origin) {
      do {
        return try run(request, on: kept, origin, deadline, cancellation, maximumBodyBytes)
      } catch let failure where failure.endedBeforeAnswer && !cancellation.isCancelled {
        // Sent again below, on a new connection.
      }
    }
    let connection = try Connection.open(
      host: request.host, port: request.port, deadline, cancellation)
    return try run(request, on: connection, origin, deadline, cancellation, maximumBodyBytes)
  }

  /// One attempt on one connection, which is kept for the next request or closed.
  private static func run(
    _ request: Request, on connection: Connection, _ origin: String, _ deadline: Deadline,
    _ cancellation: Cancellation, _ maximumBodyBytes: Int
  ) throws(Failure) -> Response {
    guard cancellation.watch(connection.descriptor) else {
      connection.close()
      throw .cancelled
    }
    let outcome = Result { () throws(Failure) -> (Response, Bool) in
      // A write the server cut short may still have its answer waiting (a 413 for a body
      // too large): that answer is read before the write's failure counts.
      var writeFailure: Failure?
      do throws(Failure) {
        try connection.write(request.bytes, deadline)
      } catch {
        writeFailure = error
      }
      var reader = ResponseReader(connection: connection, deadline: deadline)
      do throws(Failure) {
        let response = try reader.read(maximumBodyBytes: maximumBodyBytes)
        return (response, writeFailure == nil && reader.keepsConnection(response))
      } catch {
        guard let writeFailure else { throw error }
        throw Failure(
          reason: writeFailure.reason,
          endedBeforeAnswer: writeFailure.endedBeforeAnswer && error.endedBeforeAnswer)
      }
    }
    cancellation.release()
    if cancellation.isCancelled {
      connection.close()
      throw .cancelled
    }
    switch outcome {
    case .success(let (response, keep)):
      if keep {
        idle.withLock { $0[origin, default: []].append(connection) }
      } else {
        connection.close()
      }
      return response
    case .failure(let failure):
      connection.close()
      throw failure
    }
  }

  /// Connections whose last answer ended cleanly, by host and port.
  private static let idle = Mutex<[String: [Connection]]>([:])

  /// A kept connection to `origin` that has nothing waiting on it: one the server closed
  /// (or that holds bytes no request asked for) is closed and passed over.
  private static func takeIdle(_ origin: String) -> Connection? {
    while let connection = idle.withLock({ $0[origin]?.popLast() }) {
      if connection.isQuiet { return connection }
      connection.close()
    }
    return nil
  }

  /// When an exchange must be over: one budget for connecting, sending and reading.
  struct Deadline {
    private let end: ContinuousClock.Instant

    init(seconds: Double) { end = .now + .milliseconds(Int64(max(seconds, 0) * 1000)) }

    /// Seconds left; throws once none are.
    func remaining() throws(Failure) -> Double {
      let left = end - .now
      let seconds = Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18
      guard seconds > 0.001 else { throw .timedOut }
      return seconds
    }
  }

  /// Ends an exchange blocked on its socket when its task is cancelled, by shutting the
  /// socket down. The exchange's thread stops watching a socket before it closes it, so a
  /// number the system may give to another socket is never shut down.
  final class Cancellation: Sendable {
    private struct State {
      var cancelled = false
      var descriptor: Int32?
    }
    private let state = Mutex(State())

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    func cancel() {
      state.withLock { state in
        state.cancelled = true
        if let descriptor = state.descriptor { shutdown(descriptor, Int32(SHUT_RDWR)) }
      }
    }

    /// Watches `descriptor` until `release`; false when the exchange is already cancelled.
    func watch(_ descriptor: Int32) -> Bool {
      state.withLock { state in
        guard !state.cancelled else { return false }
        state.descriptor = descriptor
        return true
      }
    }

    func release() { state.withLock { $0.descriptor = nil } }
  }
}
