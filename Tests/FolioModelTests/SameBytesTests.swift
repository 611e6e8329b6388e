import FolioModel
import Testing

/// `hasSameBytes(as:)` is byte equality, which `==` on strings is not.
@Suite struct SameBytesTests {
  @Test func stringsAreEqualOnlyWhenTheirBytesAre() {
    #expect("".hasSameBytes(as: ""))
    #expect("river".hasSameBytes(as: String("a river".dropFirst(2))))
    #expect(!"river".hasSameBytes(as: "rivet"))
    #expect(!"river".hasSameBytes(as: "rivers"))
    #expect(!"".hasSameBytes(as: "a"))
    let composed = "caf\u{E9}"
    let decomposed = "cafe\u{301}"
    #expect(composed == decomposed)
    #expect(!composed.hasSameBytes(as: decomposed))
    let long = String(repeating: "Überschwemmung 東京 ", count: 500)
    #expect(long.hasSameBytes(as: String(decoding: Array(long.utf8), as: UTF8.self)))
    #expect(!long.hasSameBytes(as: long.dropLast() + "!"))
  }
}
