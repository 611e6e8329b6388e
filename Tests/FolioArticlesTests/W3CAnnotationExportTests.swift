import FolioArticles
import FolioModel
import Foundation
import Testing

@Suite struct W3CAnnotationExportTests {
  let highlight = Annotation(
    id: "019ac3f0a2b3c4d5e6f708192a3b4c5d",
    target: AnnotationTarget(
      article: "0123456789abcdef", kind: .highlight,
      selector: TextSelector(
        section: .summary, exact: "held back the “river”", prefix: "Köln 🌧️ hinweg. ",
        suffix: " on Tuesday\tnight", start: 40, end: 61)),
    note: "Line one\nLine \"two\" \\ end", color: "yellow", tags: ["floods", "infra"],
    author: "Ana", created: 1_795_762_745_123)

  let note = Annotation(
    id: "019ac3f0a2b3c4d5e6f708192a3b4c5c",
    target: AnnotationTarget(article: "fedcba9876543210", kind: .note),
    note: "Worth a follow-up.", author: "Bo", created: 1_795_762_745_000)

  private func parse(_ text: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(object as? [String: Any])
  }

  private func items(_ document: [String: Any]) throws -> [[String: Any]] {
    let page = try #require(document["first"] as? [String: Any])
    #expect(page["type"] as? String == "AnnotationPage")
    return try #require(page["items"] as? [[String: Any]])
  }

  @Test func collectionShape() throws {
    let output = W3CAnnotationExport.render([
      W3CExportItem(annotation: highlight, articleSourceURL: "https://example.com/floods"),
      W3CExportItem(annotation: note),
    ])
    let document = try parse(output)
    #expect(document["@context"] as? String == "http://www.w3.org/ns/anno.jsonld")
    #expect(document["type"] as? String == "AnnotationCollection")
    #expect(document["total"] as? Int == 2)
    let annotations = try items(document)
    #expect(annotations.count == 2)
    // Ordered by id: the note's id sorts first.
    #expect(
      annotations.map { $0["id"] as? String } == [
        "urn:folio:annotation:" + note.id, "urn:folio:annotation:" + highlight.id,
      ])
  }

  @Test func highlightHasQuoteAndPositionSelectors() throws {
    let document = try parse(
      W3CAnnotationExport.render([
        W3CExportItem(annotation: highlight, articleSourceURL: "https://example.com/floods")
      ]))
    let annotation = try #require(try items(document).first)
    #expect(annotation["type"] as? String == "Annotation")
    #expect(annotation["motivation"] as? String == "highlighting")
    #expect(annotation["created"] as? String == "2026-11-27T06:59:05.123Z")
    let creator = try #require(annotation["creator"] as? [String: Any])
    #expect(creator["type"] as? String == "Person")
    #expect(creator["name"] as? String == "Ana")

    let body = try #require(annotation["body"] as? [[String: Any]])
    #expect(body.count == 3)
    #expect(body[0]["type"] as? String == "TextualBody")
    #expect(body[0]["purpose"] as? String == "commenting")
    #expect(body[0]["value"] as? String == "Line one\nLine \"two\" \\ end")
    #expect(body[1...].map { $0["purpose"] as? String } == ["tagging", "tagging"])
    #expect(body[1...].map { $0["value"] as? String } == ["floods", "infra"])

    let target = try #require(annotation["target"] as? [String: Any])
    #expect(target["source"] as? String == "https://example.com/floods")
    let section = try #require(target["selector"] as? [String: Any])
    #expect(section["type"] as? String == "FragmentSelector")
    #expect(section["value"] as? String == "section=summary")
    let selectors = try #require(section["refinedBy"] as? [[String: Any]])
    let quote = try #require(selectors.first { $0["type"] as? String == "TextQuoteSelector" })
    #expect(quote["exact"] as? String == "held back the “river”")
    #expect(quote["prefix"] as? String == "Köln 🌧️ hinweg. ")
    #expect(quote["suffix"] as? String == " on Tuesday\tnight")
    let position = try #require(
      selectors.first { $0["type"] as? String == "TextPositionSelector" })
    #expect(position["start"] as? Int == 40)
    #expect(position["end"] as? Int == 61)
  }

  /// The target's quote and position selectors of the one annotation in `output`.
  private func selectors(_ output: String) throws -> (
    target: [String: Any], quote: [String: Any], position: [String: Any]?
  ) {
    let annotation = try #require(try items(parse(output)).first)
    let target = try #require(annotation["target"] as? [String: Any])
    let section = try #require(target["selector"] as? [String: Any])
    let refined = section["refinedBy"]
    let list = (refined as? [[String: Any]]) ?? [(refined as? [String: Any]) ?? [:]]
    let quote = try #require(list.first { $0["type"] as? String == "TextQuoteSelector" })
    let position = list.first { $0["type"] as? String == "TextPositionSelector" }
    return (target.merging(["section": section["value"] ?? ""]) { a, _ in a }, quote, position)
  }

  @Test func selectorsSayWhereTheHighlightIsNow() throws {
    let original = Article(
      title: "Barriers", summary: "The barriers held back the river on Tuesday night.",
      background: "Built in 2021.")
    let selector = try Anchoring.select(quote: "held back the river", in: original)
    var moved = highlight
    moved.target = AnnotationTarget(
      article: original.id, kind: .highlight, selector: selector)
    // The sentence moved to the background, after other text.
    let edited = Article(
      title: "Barriers", summary: "Officials spoke.",
      background: "Built in 2021. The barriers held back the river on Tuesday night.")
    let (target, quote, position) = try selectors(
      W3CAnnotationExport.render([W3CExportItem(annotation: moved, article: edited)]))
    #expect(target["section"] as? String == "section=background")
    #expect(target["folio:anchor"] as? String == "moved")
    #expect(quote["exact"] as? String == "held back the river")
    #expect(quote["prefix"] as? String == "Built in 2021. The barriers ")
    #expect(quote["suffix"] as? String == " on Tuesday night.")
    // Positions count from the start of the section the FragmentSelector names.
    let start = try #require(position?["start"] as? Int)
    let end = try #require(position?["end"] as? Int)
    let scalars = Array(edited.background.unicodeScalars)
    #expect(String(String.UnicodeScalarView(scalars[start..<end])) == "held back the river")

    // Gone from the article: an orphan keeps its stored quote, and no position.
    let gone = Article(title: "Barriers", summary: "Officials spoke.", background: "Nothing.")
    let orphan = try selectors(
      W3CAnnotationExport.render([W3CExportItem(annotation: moved, article: gone)]))
    #expect(orphan.target["folio:anchor"] as? String == "orphan")
    #expect(orphan.quote["exact"] as? String == "held back the river")
    #expect(orphan.position == nil)
  }

  @Test func noteTargetsTheArticleWithoutSelector() throws {
    let document = try parse(W3CAnnotationExport.render([W3CExportItem(annotation: note)]))
    let annotation = try #require(try items(document).first)
    #expect(annotation["motivation"] as? String == "commenting")
    let target = try #require(annotation["target"] as? [String: Any])
    #expect(target["source"] as? String == "urn:folio:article:fedcba9876543210")
    #expect(target["selector"] == nil)
    let body = try #require(annotation["body"] as? [[String: Any]])
    #expect(body.count == 1)
    #expect(body[0]["value"] as? String == "Worth a follow-up.")
  }

  @Test func baseURIAndBareHighlight() throws {
    var bare = highlight
    bare.note = nil
    bare.tags = []
    let document = try parse(
      W3CAnnotationExport.render([W3CExportItem(annotation: bare)], baseURI: "https://folio.test/"))
    let annotation = try #require(try items(document).first)
    #expect(annotation["id"] as? String == "https://folio.test/annotation:" + bare.id)
    #expect(annotation["body"] == nil)
    let target = try #require(annotation["target"] as? [String: Any])
    #expect(target["source"] as? String == "https://folio.test/article:0123456789abcdef")
  }

  /// The keys of the lines indented by `indent` spaces, in order.
  private func keys(_ output: String, indent: Int) -> [String] {
    output.split(separator: "\n").compactMap { line in
      let body = line.dropFirst(indent)
      guard line.prefix(indent).allSatisfy({ $0 == " " }), body.first == "\"",
        let colon = body.firstRange(of: "\": ")
      else { return nil }
      return String(body[body.index(after: body.startIndex)..<colon.lowerBound])
    }
  }

  @Test func outputIsDeterministicWithSortedKeys() throws {
    let items = [W3CExportItem(annotation: highlight), W3CExportItem(annotation: note)]
    let output = W3CAnnotationExport.render(items)
    #expect(W3CAnnotationExport.render(items.reversed()) == output)
    #expect(output.hasPrefix("{\n  \"@context\": \"http://www.w3.org/ns/anno.jsonld\",\n"))
    #expect(keys(output, indent: 2) == ["@context", "first", "id", "label", "total", "type"])

    let single = W3CAnnotationExport.render([W3CExportItem(annotation: highlight)])
    let annotationKeys = keys(single, indent: 8)
    #expect(annotationKeys == annotationKeys.sorted())
    #expect(annotationKeys.contains("motivation"))
  }

  @Test func escapesControlCharacters() throws {
    var odd = note
    odd.note = "bell\u{07} and \u{1F} end"
    let output = W3CAnnotationExport.render([W3CExportItem(annotation: odd)])
    #expect(output.contains("bell\\u0007 and \\u001f end"))
    let annotation = try #require(try items(parse(output)).first)
    let body = try #require(annotation["body"] as? [[String: Any]])
    #expect(body[0]["value"] as? String == "bell\u{07} and \u{1F} end")
  }
}
