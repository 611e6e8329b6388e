import FolioModel
import Hummingbird

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A refused request: the HTTP status, the protocol's error code, a one-line message and, for
/// a refused change, which one. Handlers throw it; it writes itself as the JSON error body
/// `{"error": {"code": …, "message": …}}`.
public struct SyncError: HTTPResponseError, Sendable, Equatable, CustomStringConvertible {
  /// The HTTP status sent.
  public let status: HTTPResponse.Status
  /// The machine-readable reason.
  public let code: SyncErrorCode
  /// What went wrong, for people.
  public let message: String
  /// The refused change, when the error is about one change of a push.
  public let change: Dot?
  /// For `invalid-change` and `invalid-head`: the rule broken (`S5`, `H3` …).
  public let rule: String?
  /// For errors about a site (`invalid-head`, `unregistered-site`, `site-owned`): which.
  public let site: SiteID?

  /// An error with the given status, code and message.
  public init(
    _ status: HTTPResponse.Status, code: SyncErrorCode, message: String, change: Dot? = nil,
    rule: String? = nil, site: SiteID? = nil
  ) {
    self.status = status
    self.code = code
    self.message = message
    self.change = change
    self.rule = rule
    self.site = site
  }

  public var description: String {
    "\(status.code) \(code): \(message)"
  }

  /// The error as it goes on the wire.
  public var body: ErrorResponse {
    ErrorResponse(
      error: .init(code: code, message: message, change: change, rule: rule, site: site))
  }

  public func response(from request: Request, context: some RequestContext) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let bytes = try encoder.encode(body)
    var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
    if status == .unauthorized {
      headers[.wwwAuthenticate] = "Bearer realm=\"folio\""
    }
    return Response(
      status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
  }
}

extension SyncError {
  /// 400: the body or a query parameter is not what the protocol expects.
  public static func badRequest(_ message: String) -> SyncError {
    SyncError(.badRequest, code: .badRequest, message: message)
  }

  /// 400: the change at `index` of a push breaks a rule (its JSON, shape, sizes or form).
  public static func invalidChange(_ invalid: InvalidChange, index: Int) -> SyncError {
    SyncError(
      .badRequest, code: invalid.code, message: "changes[\(index)]: \(invalid)",
      change: invalid.dot, rule: invalid.rule.rawValue)
  }

  /// 400: the head at `index` of a push (or a head against the push's changes) breaks a rule
  /// of `Protocol/signing.md`.
  public static func invalidHead(_ invalid: InvalidHead, index: Int? = nil) -> SyncError {
    let subject = index.map { "heads[\($0)]: " } ?? ""
    return SyncError(
      .badRequest, code: invalid.code, message: "\(subject)\(invalid)",
      rule: invalid.rule.rawValue, site: invalid.site)
  }

  /// 401: no usable token. The message never says which of missing, unknown or revoked.
  public static let unauthorized = SyncError(
    .unauthorized, code: .unauthorized, message: "a valid bearer token is required")

  /// 403: the token does not open this space (which may or may not exist).
  public static let forbidden = SyncError(
    .forbidden, code: .forbidden, message: "this token does not grant access to this space")

  /// 403: the token is read-only.
  public static let readOnly = SyncError(
    .forbidden, code: .readOnly, message: "this token is read-only and cannot push")

  /// 403: a change's site is bound to another user than its head's author.
  public static func siteOwned(_ dot: Dot, author: String, owner: String) -> SyncError {
    SyncError(
      .forbidden, code: .siteOwned,
      message: "site \(dot.site) is bound to user '\(owner)' of this space, but its head says "
        + "it writes as '\(author)' (a replica renamed or given to another user needs "
        + "'folio rekey')",
      change: dot, site: dot.site)
  }

  /// 403: a change's site is not bound yet, and its head's author is not the pushing user.
  public static func unregisteredSite(_ dot: Dot, author: String, user: String) -> SyncError {
    SyncError(
      .forbidden, code: .unregisteredSite,
      message: "site \(dot.site) writes as '\(author)' and has never pushed to this space, "
        + "but this token belongs to '\(user)': the site's own replica must push once "
        + "before others relay its changes",
      change: dot, site: dot.site)
  }

  /// 410: the request is under a retired protocol version's prefix.
  public static let upgradeRequired = SyncError(
    .gone, code: .upgradeRequired,
    message: "this server speaks protocol 2 (signed changes) only, under "
      + "\(SyncProtocol.pathPrefix): upgrade folio")

  /// 409: a change skips past what the server holds for its site.
  public static func gap(_ dot: Dot, expected: Int) -> SyncError {
    SyncError(
      .conflict, code: .gap,
      message: "change \(dot.site):\(dot.seq) leaves a gap: the site's next seq is \(expected)",
      change: dot)
  }

  /// 409: the server holds a different change with the same (site, seq).
  public static func conflictingChange(_ dot: Dot) -> SyncError {
    SyncError(
      .conflict, code: .conflictingChange,
      message: "the server already holds a different change \(dot.site):\(dot.seq)", change: dot)
  }

  /// 413: the body is larger than the limit.
  public static func bodyTooLarge(limit: Int) -> SyncError {
    SyncError(
      .contentTooLarge, code: .bodyTooLarge,
      message: "the request body is larger than \(limit) bytes")
  }

  /// 413: the push carries too many changes.
  public static func tooManyChanges(_ count: Int, limit: Int) -> SyncError {
    SyncError(
      .contentTooLarge, code: .tooManyChanges,
      message: "a push carries at most \(limit) changes, this one has \(count)")
  }

  /// 404: no such endpoint.
  public static let notFound = SyncError(.notFound, code: .notFound, message: "no such endpoint")

  /// 500: the server failed. The message says nothing of the cause, which goes to the log.
  public static let internalError = SyncError(
    .internalServerError, code: .internalError, message: "the server failed; try again")
}
