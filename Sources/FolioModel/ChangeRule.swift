/// The numbered rules a change must follow, as listed in `Protocol/canonical-json.md`. Every
/// refusal names the one rule it is about; the server sends its id in `error.rule`, and the
/// conformance vectors in `Protocol/vectors/` name it for each refused case.
///
/// Every rule's refusal has the protocol error code `invalid-change` (HTTP 400).
public enum ChangeRule: String, Sendable, CaseIterable, CustomStringConvertible {
  // J: the bytes are Folio's JSON.
  /// The bytes are well-formed UTF-8.
  case utf8 = "J1"
  /// The bytes are one JSON text (RFC 8259).
  case syntax = "J2"
  /// Every number is an integer: `0` or `-?[1-9][0-9]*`.
  case integer = "J3"
  /// Every integer is within ±(2^53 − 1).
  case integerRange = "J4"
  /// No `\u` escape of an unpaired surrogate.
  case surrogate = "J5"
  /// No object has two equal keys.
  case duplicateKey = "J6"
  /// Every object key is ASCII.
  case asciiKey = "J7"
  // S: the JSON has the shape of a change.
  /// Exactly the change's members: seven required, three optional, no others.
  case members = "S1"
  /// `site` is 32 lowercase hex digits.
  case site = "S2"
  /// `seq` is an integer ≥ 1.
  case seq = "S3"
  /// `hlc` is 16 lowercase hex digits.
  case hlc = "S4"
  /// `author` is a string of 1 to 200 UTF-8 bytes.
  case author = "S5"
  /// `entity` is `{"id", "kind"}`, kind `article` or `annotation`, id 1–128 of `[A-Za-z0-9-]`.
  case entity = "S6"
  /// `field` is 1 to 64 ASCII letters.
  case field = "S7"
  /// `op` is `set`, `add` or `remove`.
  case op = "S8"
  /// `pred` is 1 to 1,000 dots `{"seq", "site"}`, not the change's own.
  case pred = "S9"
  /// `value`, when present, is not `null`.
  case value = "S10"
  /// `context` maps at most 4,096 sites to integers ≥ 1.
  case context = "S11"
  // C: the change makes sense.
  /// `tags` takes `add` and `remove`; every other field takes `set`.
  case opForField = "C1"
  /// `set` and `add` carry a value; `remove` carries none.
  case valuePresence = "C2"
  /// An `add`'s value is a string.
  case addValue = "C3"
  /// A `remove` names in `pred` the additions it removes.
  case removePred = "C4"
  /// A `set` of `deleted` has the value `true` or `false`.
  case deletedValue = "C5"
  /// A delete carries a context; no other change does.
  case deleteContext = "C6"
  /// The value's canonical JSON is at most 262,144 bytes.
  case valueSize = "C7"
  /// Arrays and objects nest at most 65 deep, the change itself being the first: the value
  /// nests at most 64.
  case depth = "C8"
  // K: the bytes are the canonical form.
  /// The bytes are exactly the canonical JSON of the change they decode to.
  case canonical = "K1"

  /// The protocol error code of a refusal under this rule.
  public var code: SyncErrorCode { .invalidChange }

  public var description: String { rawValue }
}

/// Why a change was refused: the rule it breaks, what exactly is wrong, and the change's
/// dot when it could be read.
public struct InvalidChange: Error, Sendable, Equatable, CustomStringConvertible {
  /// The rule broken.
  public let rule: ChangeRule
  /// The change's identity, when its bytes got far enough to tell and its seq is one a
  /// change can have (1 to 2^53 - 1): it goes out as `error.change`, whose seq the protocol
  /// bounds (`error.schema.json`).
  public let dot: Dot?
  /// What is wrong, for people.
  public let reason: String

  /// A refusal under `rule`. A `dot` whose seq is out of range is dropped.
  public init(rule: ChangeRule, dot: Dot? = nil, reason: String) {
    self.rule = rule
    self.dot = dot.flatMap { 1...Int(JSONReader.maximumInteger) ~= $0.seq ? $0 : nil }
    self.reason = reason
  }

  /// The protocol error code (`invalid-change`).
  public var code: SyncErrorCode { rule.code }

  public var description: String {
    let subject = dot.map { "change \($0)" } ?? "a change"
    return "\(subject) is invalid (\(code) \(rule)): \(reason)"
  }
}
