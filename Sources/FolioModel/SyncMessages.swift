/// The messages of the sync protocol (version 2, under `/v2`), shared by the server and the
/// client. `Protocol/README.md` is the specification; the JSON schemas in `Protocol/schemas/`
/// describe the same shapes.
public enum SyncProtocol {
  /// The path prefix of every endpoint of this protocol version.
  public static let pathPrefix = "/v2"
  /// The path prefix of protocol version 1, which the server answers with 410
  /// `upgrade-required` (version 1's changes were not signed).
  public static let retiredPathPrefix = "/v1"
  /// How many changes a pull returns when the request names no `limit`.
  public static let defaultPageLimit = 1_000
  /// The most changes one pull returns; a larger `limit` is lowered to this.
  public static let maximumPageLimit = 5_000
  /// The most bytes of changes (canonical JSON) one pull page holds, unless its first
  /// change alone is larger (4 MiB; a change is at most about 600 KiB).
  public static let maximumPageBytes = 4 * 1024 * 1024
  /// The most changes one push may carry.
  public static let maximumPushChanges = 5_000
  /// The largest request body the server reads, in bytes (8 MiB).
  public static let maximumBodyBytes = 8 * 1024 * 1024
  /// How far ahead of the server's wall clock a change's clock may be before the server logs
  /// a warning about the pushing machine's clock, in milliseconds. No change is refused for
  /// its clock.
  public static let maximumClockSkewMilliseconds: UInt64 = 5 * 60 * 1_000
}

/// `GET /v2/health`: the server is up.
public struct HealthResponse: Hashable, Codable, Sendable {
  /// Always `ok`.
  public var status: String

  /// A health answer; the server sends `ok`.
  public init(status: String = "ok") {
    self.status = status
  }
}

/// `POST /v2/spaces/{space}/changes`: changes for the server to store, with a signed head
/// for each site among them (`Protocol/signing.md` §6).
///
/// A client pushes its own site's changes in sequence order, with a head it signs, and may
/// relay other sites' changes with the newest head it holds for them.
public struct PushRequest: Hashable, Sendable {
  /// The changes, in the order the server should store them.
  public var changes: [Change]
  /// One head per site with a change in `changes`, at its highest seq, sorted by site.
  public var heads: [SignedHead]

  /// A push of `changes` signed by `heads`.
  public init(changes: [Change], heads: [SignedHead]) {
    self.changes = changes
    self.heads = heads.sorted { $0.site < $1.site }
  }
}

/// The answer to a push, sent only once the batch is durably stored.
public struct PushResponse: Hashable, Codable, Sendable {
  /// How many changes were new and are now stored.
  public var accepted: Int
  /// How many changes the server already had, byte for byte (resent changes are no-ops).
  public var duplicates: Int
  /// The space's latest server sequence number after the push. It is not a pull cursor:
  /// changes from others may sit before it that this client has not pulled yet.
  public var cursor: Int

  /// A push answer.
  public init(accepted: Int, duplicates: Int, cursor: Int) {
    self.accepted = accepted
    self.duplicates = duplicates
    self.cursor = cursor
  }
}

/// `GET /v2/spaces/{space}/changes?after=CURSOR&limit=N`: one page of a space's changes in
/// the order the server received them.
public struct PullResponse: Hashable, Sendable {
  /// The changes after the requested cursor, oldest first.
  public private(set) var changes: [Change]
  /// The bytes each change was read from, when `decode` read the page (nil for a page made
  /// in code): the canonical bytes its site's chain hashes, and the sign that
  /// `ChangeJSON.decode` checked it. Set only with `changes`, so the two always agree; not
  /// part of the page's value (`==`).
  public private(set) var changeBytes: [ArraySlice<UInt8>]?
  /// Where each change's value lies in its bytes (`ChangeJSON.decodeLocatingValue`), nil for
  /// a change with none; set with `changeBytes`.
  public private(set) var changeValueRanges: [Range<Int>?]?
  /// For each site with a change in the page, its signed head at the site's highest seq in
  /// the page, sorted by site.
  public var heads: [SignedHead]
  /// The server sequence number of the last change returned, or the requested `after` when
  /// the page is empty. Pass it as `after` to read the next page.
  public var cursor: Int
  /// True when the server holds more changes after `cursor`.
  public var more: Bool

  /// A page of changes.
  public init(changes: [Change], heads: [SignedHead], cursor: Int, more: Bool) {
    self.changes = changes
    self.heads = heads.sorted { $0.site < $1.site }
    self.cursor = cursor
    self.more = more
  }

  /// A page `decode` read, with the bytes of its changes.
  init(
    decoded changes: [Change], bytes: [ArraySlice<UInt8>], valueRanges: [Range<Int>?],
    heads: [SignedHead], cursor: Int, more: Bool
  ) {
    self.init(changes: changes, heads: heads, cursor: cursor, more: more)
    changeBytes = bytes
    changeValueRanges = valueRanges
  }

  public static func == (lhs: PullResponse, rhs: PullResponse) -> Bool {
    lhs.changes == rhs.changes && lhs.heads == rhs.heads && lhs.cursor == rhs.cursor
      && lhs.more == rhs.more
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(changes)
    hasher.combine(heads)
    hasher.combine(cursor)
    hasher.combine(more)
  }
}

/// `GET /v2/spaces/{space}/vector`: what the server holds for a space.
public struct VectorResponse: Hashable, Codable, Sendable {
  /// For each site, the highest sequence number the server holds (it holds every change of
  /// that site up to it, with no gap). A client pushes its changes after this number.
  public var vector: VersionVector
  /// The space's latest server sequence number.
  public var cursor: Int

  /// A vector answer.
  public init(vector: VersionVector, cursor: Int) {
    self.vector = vector
    self.cursor = cursor
  }
}

/// A machine-readable reason for a refused request, as sent in `ErrorResponse`.
///
/// A struct rather than an enum so that a newer server can send codes an older client does
/// not know; compare against the constants below.
public struct SyncErrorCode: RawRepresentable, Hashable, Codable, Sendable,
  CustomStringConvertible
{
  public let rawValue: String

  /// A code with the given wire spelling.
  public init(rawValue: String) {
    self.rawValue = rawValue
  }

  /// 400: the body is not JSON, does not follow the schema, or a query parameter is bad.
  public static let badRequest = SyncErrorCode(rawValue: "bad-request")
  /// 400: a change breaks a rule of `Protocol/canonical-json.md` (its JSON, its shape, its
  /// sizes, or its bytes are not the canonical form); `error.rule` names the rule.
  public static let invalidChange = SyncErrorCode(rawValue: "invalid-change")
  /// 400: a change's clock was too far ahead of the server's wall clock. Servers since protocol
  /// 1.1 never send it (a change is never refused for its clock); kept so clients still read
  /// it from an older server.
  public static let clockAhead = SyncErrorCode(rawValue: "clock-ahead")
  /// 400: a signed head breaks a rule of `Protocol/signing.md` (`error.rule` says which,
  /// `error.site` whose).
  public static let invalidHead = SyncErrorCode(rawValue: "invalid-head")
  /// 401: no token, an unknown token or a revoked one.
  public static let unauthorized = SyncErrorCode(rawValue: "unauthorized")
  /// 403: the token does not grant access to this space.
  public static let forbidden = SyncErrorCode(rawValue: "forbidden")
  /// 403: the token may read this space but not write to it.
  public static let readOnly = SyncErrorCode(rawValue: "read-only")
  /// 403: a change's site is bound to another user than its head's author.
  public static let siteOwned = SyncErrorCode(rawValue: "site-owned")
  /// 403: a change's site is not bound to a user yet, and its head's author is not the
  /// pushing token's user: the site's own replica must push first.
  public static let unregisteredSite = SyncErrorCode(rawValue: "unregistered-site")
  /// 404: no such endpoint (or not with this method).
  public static let notFound = SyncErrorCode(rawValue: "not-found")
  /// 405: the endpoint exists but has not this method (`Allow` names those it has).
  public static let methodNotAllowed = SyncErrorCode(rawValue: "method-not-allowed")
  /// 409: a change's sequence number skips past what the server holds for its site.
  public static let gap = SyncErrorCode(rawValue: "gap")
  /// 409: the server holds a different change with the same site and sequence number.
  public static let conflictingChange = SyncErrorCode(rawValue: "conflicting-change")
  /// 410: the request is under `/v1`; this server speaks protocol 2 (signed changes) only.
  public static let upgradeRequired = SyncErrorCode(rawValue: "upgrade-required")
  /// 413: the request body is larger than `SyncProtocol.maximumBodyBytes`.
  public static let bodyTooLarge = SyncErrorCode(rawValue: "body-too-large")
  /// 413: the push carries more than `SyncProtocol.maximumPushChanges` changes.
  public static let tooManyChanges = SyncErrorCode(rawValue: "too-many-changes")
  /// 500: the server failed; the request may be retried.
  public static let internalError = SyncErrorCode(rawValue: "internal")

  public init(from decoder: any Decoder) throws {
    self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(rawValue)
  }

  public var description: String { rawValue }
}

/// The body of every error answer: `{"error": {"code": …, "message": …}}`.
public struct ErrorResponse: Hashable, Codable, Sendable {
  /// What went wrong.
  public struct Detail: Hashable, Codable, Sendable {
    /// The machine-readable reason.
    public var code: SyncErrorCode
    /// A one-line explanation for people.
    public var message: String
    /// The change that was refused, when the error is about one change of a push.
    public var change: Dot?
    /// For `invalid-change` and `invalid-head`: the id of the rule broken (`S5`, `H3` …).
    public var rule: String?
    /// For `invalid-head`, `unregistered-site` and `site-owned`: the site concerned.
    public var site: SiteID?

    /// An error detail.
    public init(
      code: SyncErrorCode, message: String, change: Dot? = nil, rule: String? = nil,
      site: SiteID? = nil
    ) {
      self.code = code
      self.message = message
      self.change = change
      self.rule = rule
      self.site = site
    }
  }

  /// What went wrong.
  public var error: Detail

  /// An error answer.
  public init(error: Detail) {
    self.error = error
  }
}
