import FolioModel

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// Where the server keeps spaces, tokens and changes. The routes see only this protocol, so
/// another database (PostgreSQL for a deployment that outgrows one machine) is one more
/// conforming type. The push rules themselves live in `PushCheck`, shared by every store.
public protocol ChangeStore: Sendable {
  /// Announces every commit that stored changes, to wake long-polling pulls (`wait=`).
  var feed: ChangeFeed { get }

  // MARK: Sync

  /// The token whose SHA-256 hex digest is `hash`, revoked or not; nil when unknown.
  func token(hash: String) async throws -> TokenRecord?

  /// Up to `limit` changes of `space` with a server sequence number above `cursor`, in
  /// arrival order, as their stored canonical JSON, totalling at most `maximumBytes` bytes
  /// unless the first change alone is larger, and then as many more as it takes for every
  /// site in the page to end at a stored head (see `PageBound`); with those heads.
  func changes(in space: String, after cursor: Int, limit: Int, maximumBytes: Int) async throws
    -> StoredPage

  /// What the server holds for `space`: per site the highest sequence number, and the
  /// space's latest server sequence number.
  func vector(of space: String) async throws -> VectorResponse

  /// Checks `batch` and its signed `heads` with `PushCheck` against what is stored and
  /// stores the new changes (each with its site's chain), the heads, and the sites' new
  /// bindings, all in one transaction: either everything is stored or nothing is. Returns
  /// once the transaction has committed. Throws `SyncError` for a refused push.
  func append(
    _ batch: [IncomingChange], heads: [SignedHead], to space: String, by user: String
  ) async throws -> PushResponse

  /// Throws when the store cannot answer a trivial query (`/readyz`).
  func checkReady() async throws

  // MARK: Administration

  /// Creates an empty space; throws `StoreError` when the name is invalid or taken.
  func createSpace(named name: String) async throws

  /// The names of every space, sorted.
  func spaceNames() async throws -> [String]

  /// Stores a new token; throws `StoreError.unknownSpace` when its space does not exist.
  func addToken(_ token: TokenRecord) async throws

  /// Every token, or only those of `space`, oldest first.
  func tokens(in space: String?) async throws -> [TokenRecord]

  /// Revokes the one token whose hash starts with `idPrefix` and returns it as it now is.
  /// Revoking a revoked token changes nothing.
  func revokeToken(idPrefix: String) async throws -> TokenRecord
}

/// A bearer token as the server knows it: only the hash of the secret is kept.
public struct TokenRecord: Hashable, Sendable {
  /// SHA-256 of the token's UTF-8 text, as 64 lowercase hex digits.
  public let hash: String
  /// The one space the token opens.
  public let space: String
  /// The user the token belongs to; sites are bound to users (`Protocol/signing.md` §5).
  public let user: String
  /// True when the token may pull but not push.
  public let readOnly: Bool
  /// When it was made.
  public let created: Date
  /// When it was revoked, if it was.
  public let revoked: Date?

  /// A token record.
  public init(
    hash: String, space: String, user: String, readOnly: Bool, created: Date,
    revoked: Date? = nil
  ) {
    self.hash = hash
    self.space = space
    self.user = user
    self.readOnly = readOnly
    self.created = created
    self.revoked = revoked
  }

  /// The short id shown by `token list` and accepted by `token revoke`: a hash prefix.
  public var id: String { String(hash.prefix(12)) }

  /// True while the token may be used.
  public var isActive: Bool { revoked == nil }
}

/// One page of stored changes, still in their canonical JSON form so the server can answer
/// a pull without decoding and re-encoding them.
public struct StoredPage: Sendable {
  /// The changes' canonical JSON bytes, in arrival order.
  public var changes: [[UInt8]]
  /// The canonical JSON of the stored head at each page site's last change in the page,
  /// sorted by site.
  public var heads: [[UInt8]]
  /// The server sequence number of the last change, or the requested cursor when empty.
  public var cursor: Int
  /// True when more changes follow.
  public var more: Bool

  /// A page.
  public init(changes: [[UInt8]], heads: [[UInt8]], cursor: Int, more: Bool) {
    self.changes = changes
    self.heads = heads
    self.cursor = cursor
    self.more = more
  }
}

/// A pushed change with its canonical JSON bytes, which is what the server stores and
/// compares to tell a resent change from a different one.
public struct IncomingChange: Sendable {
  /// The decoded change.
  public let change: Change
  /// `ChangeJSON.encode(change)`.
  public let json: [UInt8]

  /// Pairs a change with its canonical bytes.
  public init(_ change: Change) {
    self.change = change
    self.json = ChangeJSON.encode(change)
  }
}

extension ChangeStore {
  /// Up to `limit` changes after `cursor`, within the protocol's page bytes.
  public func changes(in space: String, after cursor: Int, limit: Int) async throws -> StoredPage {
    try await changes(
      in: space, after: cursor, limit: limit, maximumBytes: SyncProtocol.maximumPageBytes)
  }

  /// Makes a new token for `user` on `space`, stores its hash and returns the secret, which
  /// the server cannot show again.
  public func issueToken(
    space: String, user: String, readOnly: Bool, now: Date = Date()
  ) async throws -> (token: String, record: TokenRecord) {
    try NameRules.checkUser(user)
    let token = TokenGenerator.newToken()
    let record = TokenRecord(
      hash: TokenGenerator.hash(token), space: space, user: user, readOnly: readOnly, created: now)
    try await addToken(record)
    return (token, record)
  }
}
