import Rainbow

/// The colours a highlight can have. Names are checked when a highlight is made or edited,
/// so a typo is refused instead of silently shown as yellow.
enum HighlightColor: String, CaseIterable, Sendable {
  case yellow
  case green
  case blue
  case pink
  case purple
  case orange
  case red

  /// The colour new highlights get.
  static let standard = HighlightColor.yellow

  /// "yellow, green, …": the documented list, for help and errors.
  static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

  /// The colour named by `text` (any case), or a `CLIError` listing the valid names.
  static func parse(_ text: String) throws -> HighlightColor {
    guard let color = HighlightColor(rawValue: text.lowercased()) else {
      throw CLIError("unknown colour '\(text.sanitizedLine)': use one of \(names)")
    }
    return color
  }

  /// How a passage of this colour looks on a terminal: dark text on the colour.
  var background: BackgroundColorType {
    switch self {
    case .yellow: return .named(.yellow)
    case .green: return .named(.green)
    case .blue: return .named(.cyan)
    case .pink: return .named(.lightMagenta)
    case .purple: return .named(.magenta)
    case .orange: return .bit8(208)
    case .red: return .named(.red)
    }
  }
}
