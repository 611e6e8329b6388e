import FolioModel
import Testing

@testable import FolioArticles

@Suite struct JSONSyntaxTests {
  private func error(_ text: String) -> String? { JSONSyntax.firstError(in: Array(text.utf8)) }

  @Test func acceptsWellFormedJSON() {
    #expect(error(#"{"a": [1, -2.5e3, true, false, null, "x\n\u00e9"], "b": {}}"#) == nil)
    #expect(error(" [] ") == nil)
  }

  @Test func namesWhatIsWrongAndWhere() {
    #expect(
      error("{ not json") == "expected a key in double quotes but found 'n' at line 1, column 3")
    #expect(error("{\"a\": 1,\n}") == "trailing comma before '}' at line 2, column 1")
    #expect(error("[1, 2,]") == "trailing comma before ']' at line 1, column 7")
    #expect(error("{\"a\" 1}") == "expected ':' after the key but found '1' at line 1, column 6")
    #expect(
      error("{\"a\": 1 \"b\": 2}") == "expected ',' or '}' but found '\"' at line 1, column 9")
    #expect(error("{\"a\": \"é") == "unterminated string starting at line 1, column 7")
    #expect(error("[1") == "unexpected end of the file: expected ',' or ']'")
    #expect(error("{\"a\": tru}") == "expected a value but found 't' at line 1, column 7")
    #expect(error("{} x") == "unexpected 'x' after the end of the JSON value at line 1, column 4")
    #expect(
      error("[\"a\tb\"]")
        == "a tab inside a string at line 1, column 4 (write it as an escape such as \\n)")
    #expect(error(#"["\q"]"#) == #"invalid escape \q at line 1, column 4"#)
    #expect(error("[01]") == "expected ',' or ']' but found '1' at line 1, column 3")
    #expect(error("[1.]") == "expected a digit after '.' but found ']' at line 1, column 4")
  }

  @Test func refusesDeepNesting() {
    #expect(
      error(String(repeating: "[", count: 600))?.hasPrefix("the JSON is nested too deeply") == true)
  }
}
