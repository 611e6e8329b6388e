/// Word wrapping for terminal output.
///
/// Lines break at spaces, and between characters of scripts written without spaces
/// (Chinese, Japanese), never inside a word: a word longer than the width stays whole on a
/// line of its own. A wrapped line's continuation keeps its leading indentation. Colour
/// escape sequences take no width; one that is open at a break is closed before the break
/// and reopened after the indentation, so indentation is never coloured.
enum TextWrap {
  /// `text` wrapped to `width` columns; unchanged when `width` is nil.
  static func wrap(_ text: String, width: Int?) -> String {
    guard let width, width > 0 else { return text }
    return text.split(separator: "\n", omittingEmptySubsequences: false)
      .map { wrapLine(String($0), width: width) }
      .joined(separator: "\n")
  }

  /// One piece of a line: a word (with any escape sequences inside it) and whether a space
  /// came before it.
  private struct Piece {
    var text = ""
    var width = 0
    var spaced = false
  }

  private static func wrapLine(_ line: String, width: Int) -> String {
    guard displayWidth(line) > width else { return line }
    let indent = String(line.prefix { $0 == " " })
    let indentWidth = indent.count
    let limit = max(width, indentWidth + 1)
    var lines: [String] = []
    var current = indent
    var currentWidth = indentWidth
    var atLineStart = true
    var activeStyle = ""
    for piece in pieces(of: String(line.dropFirst(indent.count))) {
      let gap = (piece.spaced && !atLineStart) ? 1 : 0
      if !atLineStart && currentWidth + gap + piece.width > limit {
        lines.append(current + (activeStyle.isEmpty ? "" : reset))
        current = indent + activeStyle
        currentWidth = indentWidth
        atLineStart = true
      }
      if piece.spaced && !atLineStart {
        current += " "
        currentWidth += 1
      }
      current += piece.text
      currentWidth += piece.width
      atLineStart = false
      activeStyle = style(after: piece.text, startingWith: activeStyle)
    }
    lines.append(current)
    return lines.joined(separator: "\n")
  }

  private static let reset = "\u{1B}[0m"

  /// The SGR sequences still in effect after `text`.
  private static func style(after text: String, startingWith style: String) -> String {
    var active = style
    for sequence in escapeSequences(in: text) {
      active = (sequence == reset || sequence == "\u{1B}[m") ? "" : active + sequence
    }
    return active
  }

  private static func escapeSequences(in text: String) -> [String] {
    var found: [String] = []
    var current: String?
    for scalar in text.unicodeScalars {
      if scalar == "\u{1B}" {
        current = "\u{1B}"
      } else if var sequence = current {
        sequence.unicodeScalars.append(scalar)
        if (0x40...0x7E).contains(scalar.value) && scalar != "[" {
          found.append(sequence)
          current = nil
        } else {
          current = sequence
        }
      }
    }
    return found
  }

  /// Splits a line into words at spaces, and into single characters in scripts written
  /// without spaces.
  private static func pieces(of line: String) -> [Piece] {
    var pieces: [Piece] = []
    var current = Piece()
    var sawSpace = false
    var inEscape = false
    func flush() {
      if !current.text.isEmpty { pieces.append(current) }
      current = Piece()
    }
    for character in line {
      if inEscape || character == "\u{1B}" {
        current.text.append(character)
        if character == "\u{1B}" {
          inEscape = true
        } else if let scalar = character.unicodeScalars.first,
          (0x40...0x7E).contains(scalar.value), character != "["
        {
          inEscape = false
        }
        continue
      }
      if character == " " {
        flush()
        sawSpace = true
        continue
      }
      let wide = columns(of: character) == 2
      if wide && current.width > 0 { flush() }
      if current.width == 0 {
        current.spaced = sawSpace
        sawSpace = false
      }
      current.text.append(character)
      current.width += columns(of: character)
      if wide { flush() }
    }
    flush()
    return pieces
  }

  /// Columns a line takes on a terminal, not counting escape sequences.
  static func displayWidth(_ text: String) -> Int {
    var width = 0
    var inEscape = false
    for character in text {
      if character == "\u{1B}" {
        inEscape = true
      } else if inEscape {
        if let scalar = character.unicodeScalars.first, (0x40...0x7E).contains(scalar.value),
          character != "["
        {
          inEscape = false
        }
      } else {
        width += columns(of: character)
      }
    }
    return width
  }

  /// 2 for East Asian wide and full-width characters and most emoji, else 1.
  static func columns(of character: Character) -> Int {
    guard let scalar = character.unicodeScalars.first else { return 0 }
    switch scalar.value {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
      0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
      0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
      return 2
    default:
      return 1
    }
  }
}
