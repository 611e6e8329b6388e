import FolioModel

/// Makes bearer tokens and the hashes the server keeps of them.
///
/// A token is `fol_` followed by 32 random bytes in hex. Being that random, it needs no
/// slow password hash: plain SHA-256 of its text is what the store keeps and looks up.
public enum TokenGenerator {
  /// Every token starts with this.
  public static let prefix = "fol_"

  /// A new token from `generator`.
  public static func newToken<Generator: RandomNumberGenerator>(
    using generator: inout Generator
  ) -> String {
    let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    return prefix + Hex.encode(bytes)
  }

  /// A new token from the system's cryptographically secure generator.
  public static func newToken() -> String {
    var generator = SystemRandomNumberGenerator()
    return newToken(using: &generator)
  }

  /// The SHA-256 of the token's UTF-8 text, as 64 lowercase hex digits.
  public static func hash(_ token: String) -> String {
    SHA256.hexDigest(token)
  }
}
