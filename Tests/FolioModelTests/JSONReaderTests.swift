import Foundation
import Testing

@testable import FolioModel

@Suite struct JSONReaderTests {
  @Test func readsEveryKindOfValue() throws {
    let value = try JSONReader.parse(
      Array(#" {"a": [1, -25, 0, true, false, null], "b": {"c": "d"}, "e": ""} "#.utf8))
    #expect(
      value
        == .object([
          "a": .array([.int(1), .int(-25), .int(0), .bool(true), .bool(false), .null]),
          "b": .object(["c": .string("d")]), "e": .string(""),
        ]))
  }

  @Test func decodesEscapesAndSurrogatePairs() throws {
    let value = try JSONReader.parse(Array(#""q\"b\\s\/n\n\u00e9\ud83d\ude00""#.utf8))
    #expect(value == .string("q\"b\\s/n\né😀"))
  }

  @Test(arguments: [
    "", "{", "[1,]", "{\"a\":1,}", "01", "1.", "\"abc", "\"a\u{01}b\"", "{\"a\":1}x",
    "{\"a\":1,\"a\":2}", "\"\\ud800\"", "\"\\x\"", "tru", "{a:1}", "1.5", "1e3", "-0",
    "9007199254740992", "{\"é\":1}",
  ])
  func refusesMalformedJSON(_ text: String) {
    #expect(throws: JSONReader.Failure.self) { try JSONReader.parse(Array(text.utf8)) }
  }

  @Test func refusesDeepNesting() {
    let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
    #expect(throws: JSONReader.Failure.self) { try JSONReader.parse(Array(deep.utf8)) }
  }

  @Test func writerIsCanonicalAndReadsBack() throws {
    let value: JSONValue = .object([
      "z": .int(1), "a": .string("tab\there \"quoted\" \u{01}"),
      "m": .array([.null, .int(-5)]), "b": .string("\u{08}\u{0C}/\u{7F}é"),
    ])
    var writer = JSONWriter()
    writer.write(value)
    let text = String(decoding: writer.bytes, as: UTF8.self)
    #expect(
      text == #"{"a":"tab\there \"quoted\" \u0001","b":"\b\f/\#u{7F}é","m":[null,-5],"z":1}"#)
    #expect(try JSONReader.parse(writer.bytes) == value)
    // Foundation agrees that it is JSON.
    #expect((try? JSONSerialization.jsonObject(with: Data(writer.bytes))) != nil)
  }

  @Test func changeJSONRefusesWrongShapes() {
    let site = String(repeating: "a", count: 32)
    let good =
      #"{"author":"a","entity":{"id":"x1","kind":"article"},"field":"title","hlc":"0000000000010000","op":"set","seq":1,"site":"\#(site)","value":"t"}"#
    #expect((try? ChangeJSON.decode(Array(good.utf8))) != nil)
    for bad in [
      good.replacingOccurrences(of: "\"seq\":1", with: "\"seq\":\"1\""),
      good.replacingOccurrences(of: "article", with: "book"),
      good.replacingOccurrences(of: "\"op\":\"set\"", with: "\"op\":\"put\""),
      good.replacingOccurrences(of: "\"author\":\"a\",", with: ""),
      good.replacingOccurrences(of: "\"value\":\"t\"", with: "\"value\":\"t\",\"extra\":1"),
      "[]",
    ] {
      #expect(throws: ChangeJSON.DecodingFailure.self) { try ChangeJSON.decode(Array(bad.utf8)) }
    }
  }
}
