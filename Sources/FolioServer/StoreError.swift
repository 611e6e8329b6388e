/// An administration request the store refused: what was asked and why.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The kinds of refusal.
  public enum Kind: Hashable, Sendable {
    /// A space or user name breaks the naming rules.
    case invalidName
    /// A space with this name already exists.
    case spaceExists
    /// No space has this name.
    case unknownSpace
    /// No token id starts with this prefix.
    case unknownToken
    /// Several token ids start with this prefix.
    case ambiguousToken
    /// The database was written by a newer server.
    case newerSchema
    /// The `--database` URL cannot be read.
    case invalidDatabaseURL
    /// The database cannot be reached or refuses the login.
    case databaseUnavailable
  }

  /// What kind of refusal.
  public let kind: Kind
  /// One line naming what was wrong.
  public let message: String

  /// A refusal.
  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  public var description: String { message }

  static func unknownSpace(_ name: String) -> StoreError {
    StoreError(
      .unknownSpace, "no space named '\(name)' (create it with: folio-server space create \(name))")
  }
}

/// The rule for space and user names: 1 to 64 of `A-Z a-z 0-9 . _ -`, not starting with `.`
/// (so never `.`, `..` or a hidden file's name). Nothing else: no separator, no white space,
/// no control character.
public enum NameRules {
  /// The longest name.
  public static let maximumLength = 64

  /// True when `name` follows the rule.
  public static func isValid(_ name: String) -> Bool {
    problem(with: name) == nil
  }

  /// Throws `StoreError.invalidName` naming `what` (space, user) when `name` breaks the rule.
  public static func check(_ name: String, as what: String) throws(StoreError) {
    if let problem = problem(with: name) {
      // Control characters escaped: a refused name is echoed to a terminal.
      let shown = name.unicodeScalars.map {
        (0x20..<0x7F).contains($0.value) ? String($0) : $0.escaped(asASCII: true)
      }
      .joined()
      throw StoreError(.invalidName, "invalid \(what) name '\(shown)': \(problem)")
    }
  }

  /// Throws `StoreError.invalidName` when `name` cannot be a user's: a user name is what the
  /// user's replicas write as `author` (`Protocol/signing.md` §5), so it follows the author
  /// rule (S5: 1 to 200 bytes of UTF-8), without control characters and without white space
  /// at either end, so "Zoë Martin" works and a name never hides in a terminal.
  public static func checkUser(_ name: String) throws(StoreError) {
    let controls = name.unicodeScalars.contains {
      $0.value < 0x20 || (0x7F...0x9F).contains($0.value)
    }
    let padded = name.first.map(\.isWhitespace) == true || name.last.map(\.isWhitespace) == true
    guard (1...200).contains(name.utf8.count), !controls, !padded else {
      let shown = name.unicodeScalars.map {
        $0.value < 0x20 || (0x7F...0x9F).contains($0.value)
          ? $0.escaped(asASCII: true) : String($0)
      }
      .joined()
      throw StoreError(
        .invalidName,
        "invalid user name '\(shown)': use 1 to 200 bytes of text, the name the user's replicas"
          + " write as (folio init --author), with no control character and no space at either end")
    }
  }

  /// What is wrong with `name`, or nil.
  private static func problem(with name: String) -> String? {
    let allowed = "use 1 to \(maximumLength) of A-Z a-z 0-9 . _ -"
    guard !name.isEmpty, name.utf8.count <= maximumLength else { return allowed }
    guard
      name.unicodeScalars.allSatisfy({ scalar in
        scalar.isASCII
          && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
            || scalar == "." || scalar == "_" || scalar == "-")
      })
    else { return allowed }
    guard !name.hasPrefix(".") else { return "a name may not start with '.' (\(allowed))" }
    return nil
  }
}
