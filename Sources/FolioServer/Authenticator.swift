import Hummingbird

/// Checks a request's bearer token against the store.
///
/// The answers reveal nothing a token does not already grant: a missing, unknown or revoked
/// token gets 401, and any token that does not open the named space gets the same 403
/// whether that space exists or not.
public struct Authenticator<Store: ChangeStore>: Sendable {
  /// What a request wants to do with a space.
  public enum Access: Sendable {
    /// Pull changes or read the vector.
    case read
    /// Push changes.
    case write
  }

  /// Tokens longer than this are refused without hashing them.
  static var maximumTokenLength: Int { 256 }

  let store: Store

  /// An authenticator over `store`.
  public init(store: Store) {
    self.store = store
  }

  /// The token record that allows `access` to `space`, or a thrown `SyncError`.
  public func authorize(_ request: Request, space: String, for access: Access) async throws
    -> TokenRecord
  {
    guard let token = Self.bearerToken(in: request.headers[.authorization]),
      let record = try await store.token(hash: TokenGenerator.hash(token)),
      record.isActive
    else { throw SyncError.unauthorized }
    guard record.space == space else { throw SyncError.forbidden }
    if access == .write, record.readOnly { throw SyncError.readOnly }
    return record
  }

  /// The token of an `Authorization: Bearer TOKEN` header value (the scheme in any case).
  static func bearerToken(in header: String?) -> String? {
    let scheme = "bearer "
    guard let header, header.prefix(scheme.count).lowercased() == scheme else { return nil }
    let token = header.dropFirst(scheme.count).drop { $0 == " " }
    guard !token.isEmpty, token.utf8.count <= maximumTokenLength, !token.contains(" ") else {
      return nil
    }
    return String(token)
  }
}
