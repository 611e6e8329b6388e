import FolioModel
import Foundation

extension JSONValue {
  /// The JSON value of any encodable Swift value.
  init<T: Encodable>(encoding value: T) throws {
    let data = try ChangeJSON.makeEncoder().encode(value)
    self = try JSONDecoder().decode(JSONValue.self, from: data)
  }

  /// Decodes the value as `T`.
  func decode<T: Decodable>(as type: T.Type) throws -> T {
    try JSONDecoder().decode(type, from: ChangeJSON.makeEncoder().encode(self))
  }

  /// Canonical JSON text of the value.
  var jsonText: String {
    (try? String(decoding: ChangeJSON.makeEncoder().encode(self), as: UTF8.self)) ?? "null"
  }
}

/// Canonical JSON text of an encodable value (sorted keys).
func canonicalJSONText<T: Encodable>(_ value: T) throws -> String {
  String(decoding: try ChangeJSON.makeEncoder().encode(value), as: UTF8.self)
}
