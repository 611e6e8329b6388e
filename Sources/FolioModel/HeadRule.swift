/// The rules a signed head follows, as numbered in `Protocol/signing.md` §4. A refusal names
/// one; the server sends its id in `error.rule` with the code `invalid-head`.
public enum HeadRule: String, Sendable, CaseIterable, CustomStringConvertible {
  /// The head's members, their forms, and canonical bytes.
  case form = "H1"
  /// `site` is derived from `key`.
  case keyForSite = "H2"
  /// `sig` is the key's signature of the head.
  case signature = "H3"
  /// The site's changes hash to `chain`.
  case chain = "H4"
  /// Every change of the site has the head's author.
  case author = "H5"
  /// One head per site with a change in the message, at its highest seq; sorted by site.
  case coverage = "H6"

  public var description: String { rawValue }
}

/// Why the signed heads of a message were refused: the rule, whose head, and what is wrong.
public struct InvalidHead: Error, Sendable, Equatable, CustomStringConvertible {
  /// The rule broken.
  public let rule: HeadRule
  /// The site the head (or the uncovered change) is about, when it could be read.
  public let site: SiteID?
  /// What is wrong, for people.
  public let reason: String
  /// For a message whose new changes of a site do not continue what the receiver holds
  /// (a gap, not a forgery: the server answers 409 `gap`): the seqs missing.
  public let missing: ClosedRange<Int>?

  /// A refusal under `rule`.
  public init(
    rule: HeadRule, site: SiteID? = nil, reason: String, missing: ClosedRange<Int>? = nil
  ) {
    self.rule = rule
    self.site = site
    self.reason = reason
    self.missing = missing
  }

  /// The protocol error code (`invalid-head`).
  public var code: SyncErrorCode { .invalidHead }

  public var description: String {
    let subject = site.map { "the signed head of site \($0.short)" } ?? "a signed head"
    return "\(subject) is invalid (\(code) \(rule)): \(reason)"
  }
}
