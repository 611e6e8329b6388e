/// Reading and writing the protocol messages that carry changes. The changes inside are read
/// by `ChangeJSON.decode` from their own bytes (see `JSONEnvelope`) and written by
/// `ChangeJSON.encode`: there is one codec for changes, on every path.

/// Why a message that carries changes was refused.
public enum ChangeMessageError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The envelope is not the message's JSON shape (HTTP 400 `bad-request`).
  case malformed(String)
  /// The message carries more changes than allowed (HTTP 413 `too-many-changes`).
  case tooManyChanges(count: Int, limit: Int)
  /// The change at `index` of `changes` breaks a rule (HTTP 400 `invalid-change`).
  case invalidChange(index: Int, InvalidChange)
  /// The head at `index` of `heads` breaks a rule of `Protocol/signing.md` (HTTP 400
  /// `invalid-head`).
  case invalidHead(index: Int, InvalidHead)

  public var description: String {
    switch self {
    case .malformed(let reason): return reason
    case .tooManyChanges(let count, let limit):
      return "a push carries at most \(limit) changes, this one has \(count)"
    case .invalidChange(let index, let refusal): return "changes[\(index)]: \(refusal)"
    case .invalidHead(let index, let refusal): return "heads[\(index)]: \(refusal)"
    }
  }
}

extension PushRequest {
  /// The body of the push: `{"changes":[…],"heads":[…]}` with each change's and head's
  /// canonical bytes, no white space.
  public func encoded() -> [UInt8] {
    var writer = JSONWriter(capacity: 64 + changes.count * 320 + heads.count * 400)
    writer.append("{\"changes\":[")
    for (index, change) in changes.enumerated() {
      if index > 0 { writer.comma() }
      ChangeJSON.write(change, to: &writer)
    }
    writer.append(Self.separator)
    for (index, head) in heads.enumerated() {
      if index > 0 { writer.comma() }
      head.write(to: &writer)
    }
    writer.append("]}")
    return writer.bytes
  }

  /// The bytes between the changes and the heads of a push body.
  static let separator = #"],"heads":["#

  /// The bytes a push body adds around its changes and heads: what a batch may spend on
  /// them is the body limit less this.
  public static let envelopeBytes = #"{"changes":["#.utf8.count + separator.utf8.count + 2

  /// Reads a push body, which must be exactly `{"changes":[` then the changes separated by
  /// `,` then `],"heads":[` then the heads separated by `,` then `]}`: the canonical JSON of
  /// the body, no white space. Each list is cut into elements by `elementRanges`, and every
  /// byte of an element belongs to its change (or head), decoded from those bytes (so a
  /// space next to a change is refused with the change, as K1). At most `maximumChanges`.
  /// Heads are read and checked by H1–H3; the rules that join heads and changes (H4–H6) are
  /// `HeadVerifier`'s.
  ///
  /// - Throws: `ChangeMessageError` saying what is wrong and which change.
  public static func decode(
    _ bytes: [UInt8], maximumChanges: Int = SyncProtocol.maximumPushChanges,
    limits: ChangeLimits = .standard
  ) throws(ChangeMessageError) -> PushRequest {
    let prefix = #"{"changes":["#.utf8
    let separator = Array(Self.separator.utf8)
    let shape =
      #"the body must be exactly {"changes":[…],"heads":[…]}: two members, no white space"#
    guard bytes.count >= prefix.count + separator.count + 2, bytes.starts(with: prefix),
      bytes[bytes.count - 2] == UInt8(ascii: "]"), bytes[bytes.count - 1] == UInt8(ascii: "}"),
      // A head holds no bracket and no raw quote inside a string, so the last separator is
      // the one between the two lists, whatever the changes' values hold.
      let split = lastIndex(of: separator, in: bytes, before: bytes.count - 2),
      split >= prefix.count - 1
    else { throw .malformed(shape) }
    guard let ranges = elementRanges(in: bytes, from: prefix.count, to: split),
      let headRanges = elementRanges(
        in: bytes, from: split + separator.count, to: bytes.count - 2)
    else {
      throw .malformed("\(shape): a list's brackets or strings do not close")
    }
    guard ranges.count <= maximumChanges else {
      throw .tooManyChanges(count: ranges.count, limit: maximumChanges)
    }
    var changes: [Change] = []
    changes.reserveCapacity(ranges.count)
    for (index, range) in ranges.enumerated() {
      do { changes.append(try ChangeJSON.decode(bytes[range], limits: limits)) } catch {
        throw .invalidChange(index: index, error)
      }
    }
    let heads = try SignedHead.decodeList(bytes, ranges: headRanges)
    return PushRequest(changes: changes, heads: heads)
  }

  private static func lastIndex(of needle: [UInt8], in bytes: [UInt8], before end: Int) -> Int? {
    var start = end - needle.count
    while start >= 0 {
      if bytes[start..<(start + needle.count)].elementsEqual(needle) { return start }
      start -= 1
    }
    return nil
  }
}

extension PushRequest {
  /// Cuts a push body's list (`bytes[start..<end]`) into its elements as
  /// `canonical-json.md` §7 says, without parsing them: at every `,` outside strings where
  /// as many `[`/`{` as `]`/`}` came before (a string runs from a `"` to the next `"` not
  /// escaped by `\`). Nil when a `]`/`}` closes more than was opened, or when at the end
  /// a bracket or a string is still open. An empty list has no elements.
  static func elementRanges(in bytes: [UInt8], from start: Int, to end: Int) -> [Range<Int>]? {
    guard start < end else { return [] }
    var ranges: [Range<Int>] = []
    var elementStart = start
    var depth = 0
    var inString = false
    var escaped = false
    for index in start..<end {
      let byte = bytes[index]
      if inString {
        if escaped {
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if byte == UInt8(ascii: "\"") {
          inString = false
        }
        continue
      }
      switch byte {
      case UInt8(ascii: "\""): inString = true
      case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
      case UInt8(ascii: "]"), UInt8(ascii: "}"):
        depth -= 1
        if depth < 0 { return nil }
      case UInt8(ascii: ",") where depth == 0:
        ranges.append(elementStart..<index)
        elementStart = index + 1
      default: break
      }
    }
    guard depth == 0, !inString else { return nil }
    ranges.append(elementStart..<end)
    return ranges
  }
}

extension PullResponse {
  /// Reads a pull page: `changes` (each decoded by `ChangeJSON.decode` from its own bytes),
  /// `heads` (each read and checked by `SignedHead.decode`), `cursor` and `more`. Other
  /// members are ignored (a newer server may add some).
  ///
  /// - Parameter bytes: The response body.
  /// - Returns: The page.
  /// - Throws: `ChangeMessageError` naming what is wrong.
  public static func decode(_ bytes: [UInt8]) throws(ChangeMessageError) -> PullResponse {
    let members: [JSONEnvelope.Member]
    do { members = try JSONEnvelope.members(of: bytes) } catch {
      throw .malformed("a pull page is not a JSON object: \(error)")
    }
    var ranges: [Range<Int>]?
    var headRanges: [Range<Int>] = []
    var cursor: Int?
    var more: Bool?
    for member in members {
      switch member.key {
      case "changes":
        ranges = try? JSONEnvelope.elements(of: bytes, in: member.value)
      case "heads":
        guard let elements = try? JSONEnvelope.elements(of: bytes, in: member.value) else {
          throw .malformed("a pull page's heads must be a list")
        }
        headRanges = elements
      case "cursor":
        cursor = (try? JSONReader.parse(bytes[member.value]))?.intValue.flatMap {
          $0 >= 0 ? $0 : nil
        }
      case "more":
        more = (try? JSONReader.parse(bytes[member.value]))?.boolValue
      default: continue
      }
    }
    guard let ranges, let cursor, let more else {
      throw .malformed(
        "a pull page needs changes (a list), cursor (0 or more) and more (true or false)")
    }
    var changes: [Change] = []
    var valueRanges: [Range<Int>?] = []
    changes.reserveCapacity(ranges.count)
    valueRanges.reserveCapacity(ranges.count)
    for (index, range) in ranges.enumerated() {
      let decoded = bytes[range].withUnsafeBufferPointer { encoded in
        Result { () throws(InvalidChange) in try ChangeJSON.decodeLocatingValue(encoded) }
      }
      switch decoded {
      case .success(let (change, valueRange)):
        changes.append(change)
        valueRanges.append(valueRange)
      case .failure(let error): throw .invalidChange(index: index, error)
      }
    }
    let heads = try SignedHead.decodeList(bytes, ranges: headRanges)
    return PullResponse(
      decoded: changes, bytes: ranges.map { bytes[$0] }, valueRanges: valueRanges, heads: heads,
      cursor: cursor, more: more)
  }
}

extension SignedHead {
  /// Reads the heads of a message from their byte ranges.
  static func decodeList(
    _ bytes: [UInt8], ranges: [Range<Int>]
  ) throws(ChangeMessageError) -> [SignedHead] {
    var heads: [SignedHead] = []
    heads.reserveCapacity(ranges.count)
    for (index, range) in ranges.enumerated() {
      let head: SignedHead
      do { head = try SignedHead.decode(bytes[range]) } catch {
        throw .invalidHead(index: index, error)
      }
      // H6's order, checked here: the messages' initializers sort their heads.
      if let previous = heads.last, previous.site >= head.site {
        throw .invalidHead(
          index: index,
          InvalidHead(
            rule: .coverage, site: head.site, reason: "heads must be sorted by site, one per site"
          ))
      }
      heads.append(head)
    }
    return heads
  }
}
