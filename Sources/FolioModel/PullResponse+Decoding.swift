extension PullResponse {
  /// Decodes a pull response with the fast change decoder (a page holds thousands).
  ///
  /// - Parameter bytes: The response body.
  /// - Returns: The page.
  /// - Throws: `ChangeJSON.DecodingFailure` naming what is wrong.
  public static func decode<Bytes: Collection<UInt8>>(
    _ bytes: Bytes
  ) throws(ChangeJSON.DecodingFailure) -> PullResponse {
    let value: JSONValue
    do { value = try JSONReader.parse(bytes) } catch {
      throw ChangeJSON.DecodingFailure(reason: "not JSON: \(error)")
    }
    guard let members = value.objectValue, let list = members["changes"]?.arrayValue,
      let cursor = members["cursor"]?.intValue, let more = members["more"]?.boolValue
    else {
      throw ChangeJSON.DecodingFailure(reason: "a pull response needs changes, cursor and more")
    }
    var changes: [Change] = []
    changes.reserveCapacity(list.count)
    for (index, element) in list.enumerated() {
      do {
        changes.append(try ChangeJSON.decode(element))
      } catch {
        throw ChangeJSON.DecodingFailure(reason: "changes[\(index)]: \(error.reason)")
      }
    }
    return PullResponse(changes: changes, cursor: cursor, more: more)
  }
}
