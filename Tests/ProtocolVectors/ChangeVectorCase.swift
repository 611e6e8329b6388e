import Foundation

/// One case of `Protocol/vectors/changes/*.json`: bytes in, accepted or refused (with the
/// code and rule) out. The format is in `Protocol/vectors/README.md`.
public struct ChangeVectorCase: Sendable, CustomStringConvertible {
  /// What the reader must do with the bytes.
  public enum Expectation: Sendable, Equatable {
    case accept
    case refuse(code: String, rule: String)
  }

  public var file: String
  public var name: String
  public var bytes: [UInt8]
  public var expect: Expectation
  /// The answer to a push body holding only this case, when it is not the reader's decision
  /// (its brackets never close, so no element can be cut): status and code.
  public var pushedAlone: (status: Int, code: String)?

  public var description: String { "\(file): \(name)" }

  /// The change files (not the push bodies) of `Protocol/vectors/changes`.
  public static let changeFiles = [
    "canonical.json", "validation.json", "limits.json", "rule-order.json",
  ]

  /// The package's `Protocol/vectors/changes` folder.
  public static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Protocol/vectors/changes")

  /// Every case of the change files, in file order.
  public static func all() throws -> [ChangeVectorCase] {
    try changeFiles.flatMap { try load($0) }
  }

  public static func load(_ file: String) throws -> [ChangeVectorCase] {
    let data = try Data(contentsOf: directory.appendingPathComponent(file))
    let document = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    let cases = document?["cases"] as? [[String: Any]] ?? []
    return try cases.map { item in
      let name = item["name"] as? String ?? "?"
      let bytes: [UInt8]
      if let text = item["input"] as? String {
        bytes = Array(text.utf8)
      } else if let hex = item["inputHex"] as? String, let decoded = hexBytes(hex) {
        bytes = decoded
      } else {
        throw VectorFileError(reason: "\(file): \(name) has no input")
      }
      let expect: Expectation
      if item["expect"] as? String == "accept" {
        expect = .accept
      } else if let refusal = item["expect"] as? [String: Any],
        let code = refusal["code"] as? String, let rule = refusal["rule"] as? String
      {
        expect = .refuse(code: code, rule: rule)
      } else {
        throw VectorFileError(reason: "\(file): \(name) has no expectation")
      }
      var pushedAlone: (status: Int, code: String)?
      if let answer = item["pushedAlone"] as? [String: Any], let status = answer["status"] as? Int,
        let code = answer["code"] as? String
      {
        pushedAlone = (status, code)
      }
      return ChangeVectorCase(
        file: file, name: name, bytes: bytes, expect: expect, pushedAlone: pushedAlone)
    }
  }
}

/// The bytes of a hex string, or nil when it is not one.
public func hexBytes(_ hex: String) -> [UInt8]? {
  let digits = Array(hex.utf8)
  guard digits.count % 2 == 0 else { return nil }
  return stride(from: 0, to: digits.count, by: 2).compactMap { index in
    UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16)
  }
}

public struct VectorFileError: Error, CustomStringConvertible {
  public let reason: String
  public var description: String { reason }
}

extension ChangeVectorCase {
  /// The case's bytes as text, for messages.
  public var text: String { String(decoding: bytes.prefix(200), as: UTF8.self) }

  /// The push-body cases of `push-bodies.json`: body, status, and code and rule on errors.
  public static func pushBodies() throws -> [PushBodyCase] {
    let data = try Data(contentsOf: directory.appendingPathComponent("push-bodies.json"))
    let document = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    let cases = document?["cases"] as? [[String: Any]] ?? []
    return cases.map { item in
      let expect = item["expect"] as? [String: Any] ?? [:]
      return PushBodyCase(
        name: item["name"] as? String ?? "?",
        body: (item["inputHex"] as? String).flatMap(hexBytes)
          ?? Array((item["input"] as? String ?? "").utf8),
        status: expect["status"] as? Int ?? 0, code: expect["code"] as? String,
        rule: expect["rule"] as? String)
    }
  }
}

/// One case of `push-bodies.json`.
public struct PushBodyCase: Sendable, CustomStringConvertible {
  public var name: String
  public var body: [UInt8]
  public var status: Int
  public var code: String?
  public var rule: String?

  public var description: String { "push-bodies.json: \(name)" }
}

/// One case of `bundles.json`: a whole bundle file, applied by a replica holding no changes,
/// or refused with the code of `Protocol/bundle.md` (and the rule for `invalid-change`).
public struct BundleVectorCase: Sendable, CustomStringConvertible {
  public var name: String
  public var bytes: [UInt8]
  /// Nil when the bundle is applied.
  public var code: String?
  public var rule: String?

  public var description: String { "bundles.json: \(name)" }

  public static func all() throws -> [BundleVectorCase] {
    let url = ChangeVectorCase.directory.appendingPathComponent("bundles.json")
    let document = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
    return try (document?["cases"] as? [[String: Any]] ?? []).map { item in
      let name = item["name"] as? String ?? "?"
      guard
        let bytes = (item["input"] as? String).map({ Array($0.utf8) })
          ?? (item["inputHex"] as? String).flatMap(hexBytes)
      else { throw VectorFileError(reason: "bundles.json: \(name) has no input") }
      let refusal = item["expect"] as? [String: Any]
      return BundleVectorCase(
        name: name, bytes: bytes, code: refusal?["code"] as? String,
        rule: refusal?["rule"] as? String)
    }
  }
}

/// One case of `pull-pages.json`: a page body, and how many changes a client takes from it,
/// or its refusal: `invalid-change` with the rule, or `malformed-page`.
public struct PullPageCase: Sendable, CustomStringConvertible {
  public var name: String
  public var bytes: [UInt8]
  /// The number of changes taken, when the page is accepted.
  public var changes: Int?
  public var code: String?
  public var rule: String?

  public var description: String { "pull-pages.json: \(name)" }

  public static func all() throws -> [PullPageCase] {
    let url = ChangeVectorCase.directory.appendingPathComponent("pull-pages.json")
    let document = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
    return (document?["cases"] as? [[String: Any]] ?? []).map { item in
      let expect = item["expect"] as? [String: Any] ?? [:]
      return PullPageCase(
        name: item["name"] as? String ?? "?", bytes: Array((item["input"] as? String ?? "").utf8),
        changes: expect["changes"] as? Int, code: expect["code"] as? String,
        rule: expect["rule"] as? String)
    }
  }
}
