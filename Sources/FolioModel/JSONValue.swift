/// A JSON value, as carried in a change's `value`.
public enum JSONValue: Hashable, Sendable {
  case null
  case bool(Bool)
  case int(Int64)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// The string inside `.string`, else nil.
  public var stringValue: String? {
    if case .string(let text) = self { return text }
    return nil
  }

  /// The integer inside `.int`, else nil.
  public var intValue: Int? {
    if case .int(let value) = self { return Int(value) }
    return nil
  }

  /// The flag inside `.bool`, else nil.
  public var boolValue: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  /// The elements of `.array`, else nil.
  public var arrayValue: [JSONValue]? {
    if case .array(let values) = self { return values }
    return nil
  }

  /// The members of `.object`, else nil.
  public var objectValue: [String: JSONValue]? {
    if case .object(let members) = self { return members }
    return nil
  }

  /// The value's text for people: strings as they are, anything else as compact JSON.
  public var displayText: String {
    switch self {
    case .null: return "(none)"
    case .bool(let flag): return flag ? "true" : "false"
    case .int(let value): return String(value)
    case .double(let value): return String(value)
    case .string(let text): return text
    case .array(let values): return "[" + values.map(\.displayText).joined(separator: ", ") + "]"
    case .object(let members):
      return "{"
        + members.keys.sorted().map { "\($0): \(members[$0]?.displayText ?? "")" }
        .joined(separator: ", ") + "}"
    }
  }
}

extension JSONValue: Codable {
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let flag = try? container.decode(Bool.self) {
      self = .bool(flag)
    } else if let integer = try? container.decode(Int64.self) {
      self = .int(integer)
    } else if let number = try? container.decode(Double.self) {
      self = .double(number)
    } else if let text = try? container.decode(String.self) {
      self = .string(text)
    } else if let values = try? container.decode([JSONValue].self) {
      self = .array(values)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let flag): try container.encode(flag)
    case .int(let value): try container.encode(value)
    case .double(let value): try container.encode(value)
    case .string(let text): try container.encode(text)
    case .array(let values): try container.encode(values)
    case .object(let members): try container.encode(members)
    }
  }
}

extension JSONValue: ExpressibleByStringLiteral {
  public init(stringLiteral value: String) { self = .string(value) }
}
