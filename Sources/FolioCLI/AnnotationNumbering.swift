import FolioArticles
import FolioReplica

/// The numbers `show` prints before each annotation (`[1]`, `[2]` …), which `ARTICLE#N`
/// refers to. This is the one place that decides the numbering: `show` and every command
/// taking an annotation reference go through it, so a number always means what `show`
/// printed.
enum AnnotationNumbering {
  /// The article's annotations anchored in its current text and numbered as `show` prints
  /// them: in reading order (see `AnchoredAnnotation.numbered`).
  static func numbered(_ annotations: [Annotation], in article: Article) -> [AnchoredAnnotation] {
    AnchoredAnnotation.numbered(annotations, in: article)
  }
}

extension Replica {
  /// The article's annotations, numbered as `show` prints them.
  func numberedAnnotations(of article: Article) throws(ReplicaError) -> [AnchoredAnnotation] {
    AnnotationNumbering.numbered(try annotations(ofArticle: article.id), in: article)
  }
}
