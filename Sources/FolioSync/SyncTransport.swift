import Foundation

/// What `SyncClient` sends its requests through: `HTTPTransport`, or a stand-in for a server
/// in the tests. Sendable: the next pull page is fetched on a task of its own while the
/// current one is applied.
protocol SyncTransport: Sendable {
  /// Sends one request and returns the server's answer, whatever its status, its body
  /// inflated; counts the request and its bytes on the wire in `summary`.
  ///
  /// - Throws: `SyncError` when no answer came (the server cannot be reached, timed out) or
  ///   the answer cannot be read (a redirect, a corrupt body).
  func send(
    _ method: String, _ url: URL, body: Data?, summary: inout SyncSummary
  ) async throws(SyncError) -> HTTPReply
}

extension HTTPTransport: SyncTransport {}
