import FolioModel

extension Insight {
  /// The insights as the JSON value an article's `insights` field holds.
  public static func jsonValue(_ insights: [Insight]) -> JSONValue {
    .array(
      insights.map {
        .object([
          "question": .string($0.question), "points": .array($0.points.map(JSONValue.string)),
        ])
      })
  }

  /// Reads the value of an article's `insights` field; nil when it has another shape.
  public static func from(_ value: JSONValue) -> [Insight]? {
    guard let elements = value.arrayValue else { return nil }
    var insights: [Insight] = []
    for element in elements {
      guard let members = element.objectValue, let question = members["question"]?.stringValue,
        let points = members["points"]?.arrayValue
      else { return nil }
      insights.append(Insight(question: question, points: points.compactMap(\.stringValue)))
    }
    return insights
  }
}

extension JSONValue {
  /// Canonical JSON text of the value.
  public var canonicalText: String {
    var writer = JSONWriter()
    writer.write(self)
    return String(decoding: writer.bytes, as: UTF8.self)
  }
}
