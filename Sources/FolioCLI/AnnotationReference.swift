import FolioModel
import FolioReplica

/// What a user may type for an annotation: an id prefix (`01a2bd`), or `ARTICLE#N`, the
/// article's id prefix and the number `show` prints beside the annotation (`50c4#2`).
enum AnnotationReference {
  /// The annotation `text` names.
  static func resolve(_ text: String, in replica: Replica) throws -> String {
    guard let reference = try split(text) else { return try replica.resolveAnnotation(text) }
    return try annotation(reference.number, ofArticle: reference.article, in: replica)
  }

  /// The article or annotation `text` names (`tag` and `log` take either).
  static func resolveRecord(_ text: String, in replica: Replica) throws -> EntityRef {
    guard let reference = try split(text) else { return try replica.resolve(text) }
    return .annotation(try annotation(reference.number, ofArticle: reference.article, in: replica))
  }

  /// The article prefix and number of an `ARTICLE#N` reference; nil for a plain id.
  private static func split(_ text: String) throws -> (article: String, number: Int)? {
    guard let hash = text.firstIndex(of: "#") else { return nil }
    let article = String(text[..<hash])
    let digits = text[text.index(after: hash)...]
    guard !article.isEmpty, let number = Int(digits), number > 0 else {
      throw CLIError(
        "'\(text.sanitizedLine)': write ARTICLE#N, an article id and the number 'folio show' prints (e.g. 50c4#2)"
      )
    }
    return (article, number)
  }

  private static func annotation(_ number: Int, ofArticle prefix: String, in replica: Replica)
    throws -> String
  {
    let id = try replica.resolveArticle(prefix)
    guard let article = try replica.article(id: id) else { throw ReplicaError.unknownID(id) }
    let numbered = try replica.numberedAnnotations(of: article)
    guard let match = numbered.first(where: { $0.number == number }) else {
      let range = numbered.isEmpty ? "it has none" : "it has [1] to [\(numbered.count)]"
      throw CLIError(
        "article \(replica.abbreviate(id)) has no annotation [\(number)]: \(range) ('folio show \(prefix)')"
      )
    }
    return match.annotation.id
  }
}
