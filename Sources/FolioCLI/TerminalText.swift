/// Text written by other people (titles, notes, quotes, tags, authors), made safe to print on
/// a terminal: escape sequences (colours, cursor moves, title changes, clipboard writes) and
/// other control characters are removed, so a teammate's note cannot fake output or drive
/// the reader's terminal. Newlines survive `sanitized`; `sanitizedLine` folds them too.
extension String {
  /// The text with terminal escape sequences, control characters and bidirectional
  /// overrides removed; newlines kept, tabs turned into spaces.
  var sanitized: String { TerminalText.sanitize(self, keepingNewlines: true) }

  /// Like `sanitized`, on one line: newlines become spaces.
  var sanitizedLine: String { TerminalText.sanitize(self, keepingNewlines: false) }
}

enum TerminalText {
  static func sanitize(_ text: String, keepingNewlines: Bool) -> String {
    // Fast path: most text has nothing to remove.
    if !text.unicodeScalars.contains(where: needsWork) { return text }
    var output = String.UnicodeScalarView()
    var scalars = text.unicodeScalars.makeIterator()
    var pending = scalars.next()
    while let scalar = pending {
      pending = scalars.next()
      switch scalar.value {
      case 0x1B:
        pending = skipEscape(after: pending, in: &scalars)
      case 0x9B:  // 8-bit CSI
        pending = skipParameters(from: pending, in: &scalars)
      case 0x9D, 0x90, 0x9E, 0x9F, 0x98:  // 8-bit OSC, DCS, PM, APC, SOS: a string up to ST
        pending = skipString(from: pending, in: &scalars)
      case 0x0A:
        output.append(keepingNewlines ? scalar : " ")
      case 0x09:
        output.append(" ")
      case 0x0D:
        if pending?.value != 0x0A { output.append(keepingNewlines ? "\n" : " ") }
      default:
        if !isControl(scalar) { output.append(scalar) }
      }
    }
    return String(output)
  }

  private static func needsWork(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value == 0x0A ? false : scalar.value < 0x20 || isControl(scalar)
  }

  /// C0 and C1 controls, DEL, and the bidirectional embeddings, overrides and isolates
  /// that can make text display in another order than it reads ("Trojan Source").
  private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C:
      return true
    default:
      return false
    }
  }

  /// Skips what follows an ESC: a CSI (`ESC [` … final byte), a string (`ESC ]`, `ESC P`,
  /// `ESC ^`, `ESC _`, `ESC X`, up to BEL or `ESC \`), or one more character.
  private static func skipEscape(
    after next: Unicode.Scalar?, in scalars: inout String.UnicodeScalarView.Iterator
  ) -> Unicode.Scalar? {
    guard let next else { return nil }
    switch next {
    case "[": return skipParameters(from: scalars.next(), in: &scalars)
    case "]", "P", "^", "_", "X": return skipString(from: scalars.next(), in: &scalars)
    default:
      // Two-character sequences, and intermediates (`ESC ( B`) up to their final byte.
      var current: Unicode.Scalar? = next
      while let scalar = current, (0x20...0x2F).contains(scalar.value) { current = scalars.next() }
      return scalars.next()
    }
  }

  /// Skips CSI parameters and intermediates up to and including the final byte.
  private static func skipParameters(
    from first: Unicode.Scalar?, in scalars: inout String.UnicodeScalarView.Iterator
  ) -> Unicode.Scalar? {
    var current = first
    while let scalar = current {
      current = scalars.next()
      if (0x40...0x7E).contains(scalar.value) || !(0x20...0x7E).contains(scalar.value) { break }
    }
    return current
  }

  /// Skips a control string up to its terminator: BEL, `ESC \` or 8-bit ST.
  private static func skipString(
    from first: Unicode.Scalar?, in scalars: inout String.UnicodeScalarView.Iterator
  ) -> Unicode.Scalar? {
    var current = first
    while let scalar = current {
      current = scalars.next()
      switch scalar.value {
      case 0x07, 0x9C: return current
      case 0x1B where current == "\\": return scalars.next()
      default: continue
      }
    }
    return nil
  }
}
