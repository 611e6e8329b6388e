import FolioModel
import Foundation

/// A small JSON Schema 2020-12 checker over `JSONValue`, enough for `Protocol/schemas` and
/// `Protocol/cli-schemas` (shared by the server and CLI tests): `$ref` (to `#/$defs/…` or a
/// sibling file), `type` (a name or a list), `anyOf`, `required`, `properties`, `items`,
/// `additionalProperties` and `propertyNames` (as schemas), `enum`, `const`, `pattern`,
/// `minimum`, `maximum`, `minLength`, `maxLength`, `minItems`, `maxItems`, `maxProperties`,
/// `allOf`, `if`/`then`/`else`, `not`, and the schema `false`. Keywords it does not know are skipped, so it finds
/// fewer problems than a full validator, never more.
public struct SchemaCheck {
  public struct Failure: Error, CustomStringConvertible {
    public let description: String
  }

  /// The repository's `Protocol` folder.
  public static let protocolFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Protocol")

  public let name: String
  public let document: JSONValue
  /// Where sibling files named by `$ref` are read from.
  public let folder: URL

  public init(name: String, document: JSONValue, folder: URL) {
    self.name = name
    self.document = document
    self.folder = folder
  }

  /// Reads the schema `name` from `folder` (`Protocol/schemas` unless told otherwise).
  public static func load(
    _ name: String, from folder: URL = protocolFolder.appendingPathComponent("schemas")
  ) throws -> SchemaCheck {
    let data = try Data(contentsOf: folder.appendingPathComponent(name))
    return SchemaCheck(
      name: name, document: try JSONDecoder().decode(JSONValue.self, from: data), folder: folder)
  }

  /// The schema's top-level `required` list.
  public var required: [String] {
    document.objectValue?["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
  }

  /// Every way `value` breaks the schema, each naming where; empty when it follows it.
  public func problems(in value: JSONValue) throws -> [String] {
    var problems: [String] = []
    try check(value, against: document, path: "$", into: &problems)
    return problems
  }

  private func check(
    _ value: JSONValue, against schema: JSONValue, path: String, into problems: inout [String]
  ) throws {
    if schema == .bool(false) { problems.append("\(path): not allowed") }
    guard let keywords = schema.objectValue else { return }
    if let ref = keywords["$ref"]?.stringValue {
      let (target, subschema) = try resolve(ref)
      try target.check(value, against: subschema, path: path, into: &problems)
    }
    if let type = keywords["type"] {
      let types = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue ?? ""]
      guard types.contains(where: { Self.has(value, type: $0) }) else {
        problems.append(
          "\(path): expected \(types.joined(separator: " or ")), got \(value.displayText)")
        return
      }
    }
    if let options = keywords["enum"]?.arrayValue, !options.contains(value) {
      problems.append("\(path): \(value.displayText) is not one of the allowed values")
    }
    if let constant = keywords["const"], constant != value {
      problems.append("\(path): expected \(constant.displayText)")
    }
    try checkCombinators(value, keywords, path: path, into: &problems)
    switch value {
    case .object(let members):
      if let maximum = keywords["maxProperties"]?.intValue, members.count > maximum {
        problems.append("\(path): more than \(maximum) members")
      }
      for key in keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
      where members[key] == nil {
        problems.append("\(path): missing required key \(key)")
      }
      let properties = keywords["properties"]?.objectValue ?? [:]
      for (key, member) in members {
        if let propertySchema = properties[key] {
          try check(member, against: propertySchema, path: "\(path).\(key)", into: &problems)
        } else if let additional = keywords["additionalProperties"] {
          try check(member, against: additional, path: "\(path).\(key)", into: &problems)
        }
        if let names = keywords["propertyNames"] {
          try check(.string(key), against: names, path: "\(path) key \(key)", into: &problems)
        }
      }
    case .array(let elements):
      if let minimum = keywords["minItems"]?.intValue, elements.count < minimum {
        problems.append("\(path): fewer than \(minimum) items")
      }
      if let maximum = keywords["maxItems"]?.intValue, elements.count > maximum {
        problems.append("\(path): more than \(maximum) items")
      }
      if let items = keywords["items"] {
        for (index, element) in elements.enumerated() {
          try check(element, against: items, path: "\(path)[\(index)]", into: &problems)
        }
      }
    case .string(let text):
      if let pattern = keywords["pattern"]?.stringValue, !text.contains(try Regex(pattern)) {
        problems.append("\(path): \(text) does not match \(pattern)")
      }
      if let minimum = keywords["minLength"]?.intValue, text.count < minimum {
        problems.append("\(path): shorter than \(minimum)")
      }
      if let maximum = keywords["maxLength"]?.intValue, text.count > maximum {
        problems.append("\(path): longer than \(maximum)")
      }
    case .int(let number):
      if let minimum = keywords["minimum"]?.intValue, number < minimum {
        problems.append("\(path): \(number) is below \(minimum)")
      }
      if let maximum = keywords["maximum"]?.intValue, number > maximum {
        problems.append("\(path): \(number) is above \(maximum)")
      }
    default:
      break
    }
  }

  /// `allOf`, `anyOf`, `if`/`then`/`else` and `not`.
  private func checkCombinators(
    _ value: JSONValue, _ keywords: [String: JSONValue], path: String,
    into problems: inout [String]
  ) throws {
    if let options = keywords["anyOf"]?.arrayValue {
      var matched = false
      for option in options where !matched {
        var failures: [String] = []
        try check(value, against: option, path: path, into: &failures)
        matched = failures.isEmpty
      }
      if !matched { problems.append("\(path): matches none of anyOf") }
    }
    for subschema in keywords["allOf"]?.arrayValue ?? [] {
      try check(value, against: subschema, path: path, into: &problems)
    }
    if let condition = keywords["if"] {
      var failures: [String] = []
      try check(value, against: condition, path: path, into: &failures)
      if let branch = failures.isEmpty ? keywords["then"] : keywords["else"] {
        try check(value, against: branch, path: path, into: &problems)
      }
    }
    if let excluded = keywords["not"] {
      var failures: [String] = []
      try check(value, against: excluded, path: path, into: &failures)
      if failures.isEmpty { problems.append("\(path): matches a schema it must not") }
    }
  }

  private static func has(_ value: JSONValue, type: String) -> Bool {
    switch (type, value) {
    case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool),
      ("integer", .int), ("number", .int), ("number", .double), ("null", .null):
      return true
    default:
      return false
    }
  }

  /// The schema document and subschema a `$ref` points to.
  private func resolve(_ ref: String) throws -> (SchemaCheck, JSONValue) {
    let parts = ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
    let file = parts.first.map(String.init) ?? ""
    let target = file.isEmpty ? self : try SchemaCheck.load(file, from: folder)
    var schema = target.document
    let pointer = parts.count > 1 ? String(parts[1]) : ""
    for token in pointer.split(separator: "/") {
      guard let next = schema.objectValue?[String(token)] else {
        throw Failure(description: "\(name): cannot resolve \(ref)")
      }
      schema = next
    }
    return (target, schema)
  }
}
