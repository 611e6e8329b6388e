import ArgumentParser
import FolioReplica
@preconcurrency import Rainbow

/// When to colour output: `--color auto|always|never`.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
  case auto
  case always
  case never

  /// Whether to colour: `always` and `never` say so; `auto` colours a terminal unless
  /// `NO_COLOR` is set (to anything but the empty string) or `TERM` is `dumb`.
  func useColor(isTerminal: Bool, environment: [String: String]) -> Bool {
    switch self {
    case .always: return true
    case .never: return false
    case .auto:
      if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
      if environment["TERM"] == "dumb" { return false }
      return isTerminal
    }
  }
}

/// How human-readable output looks: colour or plain, and the width to wrap to.
/// Colour comes from Rainbow; plain output has no escape codes at all.
struct OutputStyle: Sendable {
  let color: Bool
  /// Columns to wrap long text to; nil leaves lines as they are.
  let width: Int?

  static let plain = OutputStyle(color: false, width: nil)

  init(color: Bool, width: Int?) {
    _ = OutputStyle.rainbowReady
    self.color = color
    self.width = width
  }

  /// Rainbow decides by itself whether to colour (from the environment and whether stdout
  /// is a terminal); Folio decides instead, through `color`, so Rainbow is told once to
  /// always produce codes when asked.
  private static let rainbowReady: Void = {
    Rainbow.enabled = true
    Rainbow.outputTarget = .console
  }()

  func bold(_ text: String) -> String { color ? text.applyingStyle(.bold) : text }
  func dim(_ text: String) -> String { color ? text.applyingStyle(.dim) : text }
  func warn(_ text: String) -> String { color ? text.applyingColor(.red) : text }
  /// Text a version removed (in a word diff): red and struck through.
  func removed(_ text: String) -> String {
    color ? text.applyingCodes(NamedColor.red, Style.strikethrough) : text
  }
  /// Text a version added (in a word diff): green.
  func added(_ text: String) -> String { color ? text.applyingColor(.green) : text }

  /// A highlighted passage: dark text on the highlight's colour, or `[passage]` without
  /// colour.
  func highlight(_ text: String, color name: String?) -> String {
    guard color else { return "[\(text)]" }
    let highlight = name.flatMap { HighlightColor(rawValue: $0.lowercased()) } ?? .standard
    return text.applyingCodes(NamedColor.black, highlight.background)
  }

  /// A search snippet on one line, its matches in bold, or between « and » without colour.
  func marked(_ snippet: SearchSnippet) -> String {
    let scalars = Array(snippet.text.unicodeScalars)
    func piece(_ range: Range<Int>) -> String {
      var text = ""
      text.unicodeScalars.append(contentsOf: scalars[range])
      return text.sanitizedLine
    }
    var result = ""
    var position = 0
    for match in snippet.matches
    where match.lowerBound >= position && match.upperBound <= scalars.count {
      result += piece(position..<match.lowerBound)
      result += color ? bold(piece(match)) : "«" + piece(match) + "»"
      position = match.upperBound
    }
    return result + piece(position..<scalars.count)
  }

  /// `text` wrapped to the width.
  func wrap(_ text: String) -> String { TextWrap.wrap(text, width: width) }
}
