import FolioArticles
import FolioReplica

/// The numbers `show` prints before each annotation (`[1]`, `[2]` …), which `ARTICLE#N`
/// refers to. This is the one place that decides the numbering: `show` and every command
/// taking an annotation reference go through it, so a number always means what `show`
/// printed.
enum AnnotationNumbering {
  /// The article's annotations anchored in its current text and numbered as `show` prints
  /// them (currently in the order they were made).
  static func numbered(_ annotations: [Annotation], in article: Article) -> [AnchoredAnnotation] {
    annotations.enumerated().map { index, annotation in
      AnchoredAnnotation(
        annotation: annotation,
        anchor: annotation.target.selector.map { Anchoring.anchor($0, in: article) },
        number: index + 1)
    }
  }
}

extension Replica {
  /// The article's annotations, numbered as `show` prints them.
  func numberedAnnotations(of article: Article) throws(ReplicaError) -> [AnchoredAnnotation] {
    AnnotationNumbering.numbered(try annotations(ofArticle: article.id), in: article)
  }
}
