import FolioModel
import Foundation

@testable import FolioSync

/// A request the client sent, with the token and timeout of the transport it went through.
struct SentRequest {
  let method: String
  let url: URL
  let body: Data?
  let token: String
  let timeout: Double

  /// The last path component: `changes` or `vector`.
  var resource: String { url.lastPathComponent }

  /// The query's items by name.
  var query: [String: String] {
    var items: [String: String] = [:]
    for item in URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? [] {
      items[item.name] = item.value ?? ""
    }
    return items
  }

  /// The push this request carries, when it is one.
  var push: PushRequest? {
    guard method == "POST", let body else { return nil }
    return try? PushRequest.decode([UInt8](body))
  }

  /// `GET changes` (`after=…`), `GET vector` or `POST changes`, for comparing sequences.
  var line: String {
    if method == "GET", resource == "changes" {
      return "GET changes after=\(query["after"] ?? "?")"
    }
    return "\(method) \(resource)"
  }
}

/// A stand-in for a sync server with one space, reached through `transport` instead of
/// HTTP. It keeps the space's changes in the order it took them (server sequence numbers
/// 1, 2, 3 …) and answers pulls, pushes and vectors from them, roughly as `folio-server`
/// does; a test changes any answer with `intercept`.
///
/// `@unchecked Sendable`: the client fetches the next pull page on a task of its own, but it
/// has at most one request out at a time and awaits it before the sync returns, so no two
/// tasks touch the server at once.
final class FakeServer: @unchecked Sendable {
  /// The changes stored, at positions 1, 2, 3 …
  private(set) var stored: [Change] = []
  /// Signed heads the server holds, by the change they end at.
  private var heads: [Dot: SignedHead] = [:]
  /// Every request the client sent, in order.
  private(set) var requests: [SentRequest] = []
  /// Answers a request before the server does when it returns a reply, or fails it as a
  /// transport would (`SyncError.unreachable`).
  var intercept: (SentRequest) throws(SyncError) -> HTTPReply? = { _ in nil }
  /// Past this many requests the server cancels the task and stops answering, so that a
  /// client that loops fails its test instead of hanging it.
  var requestLimit = 50

  /// Stores `site`'s changes after those it holds up to `seq` (all when nil), with the
  /// site's head at `seq`, as if the site had pushed them.
  func seed(_ site: OtherSite, upTo seq: Int? = nil) {
    let changes = site.changes[vector[site.site]..<(seq ?? site.changes.count)]
    guard let last = changes.last else { return }
    stored += changes
    heads[last.dot] = site.head(at: last.seq)
  }

  /// Stores changes as they are, with no head (a history that lost or changed some).
  func seed(_ changes: [Change]) { stored += changes }

  /// What the server holds of each site, with no gap.
  var vector: VersionVector {
    var vector = VersionVector()
    for change in stored where change.seq == vector[change.site] + 1 {
      vector[change.site] = change.seq
    }
    return vector
  }

  /// A client whose syncs go to this server.
  func client(pageSize: Int = 100, pushBatchSize: Int = 100) -> SyncClient {
    var client = SyncClient(pageSize: pageSize, pushBatchSize: pushBatchSize)
    client.makeTransport = { token, timeout, _ in
      Transport(server: self, token: token, timeout: timeout)
    }
    return client
  }

  var pushes: [PushRequest] { requests.compactMap(\.push) }

  var lines: [String] { requests.map(\.line) }

  private struct Transport: SyncTransport {
    let server: FakeServer
    let token: String
    let timeout: Double

    func send(
      _ method: String, _ url: URL, body: Data?, summary: inout SyncSummary
    ) async throws(SyncError) -> HTTPReply {
      let request = SentRequest(
        method: method, url: url, body: body, token: token, timeout: timeout)
      server.requests.append(request)
      summary.requests += 1
      if server.requests.count > server.requestLimit {
        withUnsafeCurrentTask { $0?.cancel() }
        throw .unreachable(url: "http://server.test", reason: "over the test's request limit")
      }
      if let reply = try server.intercept(request) { return reply }
      return server.answer(request)
    }
  }

  private func answer(_ request: SentRequest) -> HTTPReply {
    switch (request.method, request.resource) {
    case ("GET", "changes"):
      guard let after = request.query["after"].flatMap(Int.init),
        let limit = request.query["limit"].flatMap(Int.init)
      else { return .error(400, .badRequest) }
      let page = Array(stored.dropFirst(after).prefix(limit))
      var pageHeads: [SiteID: SignedHead] = [:]
      for change in page { pageHeads[change.site] = heads[change.dot] ?? pageHeads[change.site] }
      return .page(
        page, heads: Array(pageHeads.values), cursor: after + page.count,
        more: after + page.count < stored.count)
    case ("GET", "vector"):
      return .json(VectorResponse(vector: vector, cursor: stored.count))
    case ("POST", "changes"):
      guard let push = request.push else { return .error(400, .badRequest) }
      // All or nothing, as the server stores a push in one transaction.
      var held = vector
      var new: [Change] = []
      for change in push.changes where !held.covers(change.dot) {
        guard change.seq == held[change.site] + 1 else {
          return .error(409, .gap, change: change.dot)
        }
        held[change.site] = change.seq
        new.append(change)
      }
      stored += new
      for head in push.heads { heads[Dot(site: head.site, seq: head.seq)] = head }
      return .json(
        PushResponse(
          accepted: new.count, duplicates: push.changes.count - new.count, cursor: stored.count))
    default:
      return .error(404, .notFound)
    }
  }
}

extension HTTPReply {
  /// A 200 answer with `value` as JSON.
  static func json(_ value: some Encodable) -> HTTPReply {
    // Encoding these plain values cannot fail.
    HTTPReply(status: 200, body: (try? JSONEncoder().encode(value)) ?? Data())
  }

  /// An error answer as the server sends it.
  static func error(
    _ status: Int, _ code: SyncErrorCode, site: SiteID? = nil, change: Dot? = nil,
    rule: String? = nil
  ) -> HTTPReply {
    let detail = ErrorResponse.Detail(
      code: code, message: "refused (\(code))", change: change, rule: rule, site: site)
    return HTTPReply(
      status: status,
      body: (try? JSONEncoder().encode(ErrorResponse(error: detail))) ?? Data())
  }

  /// A pull page.
  static func page(_ changes: [Change], heads: [SignedHead], cursor: Int, more: Bool)
    -> HTTPReply
  {
    var bytes = Array(#"{"changes":["#.utf8)
    bytes += changes.map(ChangeJSON.encode).joined(separator: Array(",".utf8))
    bytes += Array(#"],"heads":["#.utf8)
    bytes += heads.sorted { $0.site < $1.site }.map { $0.encoded() }
      .joined(separator: Array(",".utf8))
    bytes += Array(#"],"cursor":\#(cursor),"more":\#(more)}"#.utf8)
    return HTTPReply(status: 200, body: Data(bytes))
  }
}
