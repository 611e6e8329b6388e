import FolioArticles
@_spi(Fuzzing) import FolioModel

/// A reader under fuzzing: takes any bytes and must return (a value or a typed refusal)
/// without crashing, hanging or reading out of bounds.
enum FuzzTarget: String, CaseIterable {
  /// `ChangeJSON.decode`, the one reader of a change for push, pull, bundles and the op log.
  case changeJSON = "change-json"
  /// A bundle's lines as `Replica.applyBundle` reads them: header, changes, trailer.
  case bundle
  /// `ArticleParser.parse`: text, Markdown and JSON articles.
  case articles

  /// Reads `bytes`; a refusal is a normal outcome, only a crash is a finding.
  func run(_ bytes: UnsafeBufferPointer<UInt8>) {
    switch self {
    case .changeJSON: Self.readChange(bytes)
    case .bundle: Self.readBundle(bytes)
    case .articles: Self.readArticles(Array(bytes))
    }
  }

  private static func readChange(_ bytes: UnsafeBufferPointer<UInt8>) {
    let decision = Result { () throws(InvalidChange) -> Change in try ChangeJSON.decode(bytes) }
    // The straight reader of canonical bytes decides exactly as the full reader does.
    let full = Result { () throws(InvalidChange) -> Change in
      try ChangeJSON.decodeInFull(bytes, limits: .standard, migratingOldForm: false)
    }
    precondition(decision == full, "the two change readers disagree")
    guard case .success(let change) = decision else { return }
    // What is accepted is canonical: encoding it again gives the same bytes.
    precondition(ChangeJSON.encode(change).elementsEqual(bytes), "a change did not round-trip")
  }

  private static func readBundle(_ bytes: UnsafeBufferPointer<UInt8>) {
    let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    guard let first = lines.first, (try? BundleHeader.decode(first)) != nil else { return }
    for line in lines.dropFirst() {
      if BundleTrailer.isTrailer(line) {
        _ = try? BundleTrailer.decode(line)
      } else {
        _ = try? ChangeJSON.decode(line)
      }
    }
  }

  private static func readArticles(_ bytes: [UInt8]) {
    guard let articles = try? ArticleParser.parse(bytes) else { return }
    // Markdown is also what `folio` writes: what it renders must parse again.
    for article in articles {
      _ = try? ArticleMarkdownFormat.parse(ArticleMarkdownFormat.render(article))
    }
  }
}
