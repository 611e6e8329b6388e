import Testing

@testable import FolioCLI

@Suite struct TerminalTextTests {
  @Test func escapeSequencesAndControlsAreRemoved() {
    // A colour change, a cursor move, a window-title change (OSC 0) and a clipboard write
    // (OSC 52), each of which a note could carry to a teammate's terminal.
    let note =
      "ok\u{1B}[31m red\u{1B}[0m \u{1B}[2J\u{1B}[H\u{1B}]0;pwned\u{07}"
      + "\u{1B}]52;c;ZWNobyBoaQ==\u{1B}\\done\r fake\u{0}\u{7F}\u{9B}1m"
    #expect(note.sanitized == "ok red done\n fake")
  }

  @Test func newlinesAreKeptOrFolded() {
    #expect("a\nb\tc".sanitized == "a\nb c")
    #expect("a\nb\r\nc".sanitizedLine == "a b c")
  }

  @Test func bidirectionalOverridesAreRemoved() {
    #expect("abc\u{202E}fed\u{202C}".sanitized == "abcfed")
  }

  @Test func ordinaryTextIsUntouched() {
    let text = "Alibaba “condemns” the FT — 小米汽车 ✓"
    #expect(text.sanitized == text)
  }
}
