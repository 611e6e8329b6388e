import FolioModel
import Testing

@testable import FolioArticles

@Suite struct ArticleMetadataTests {
  @Test func readsSourcePublishedAndTags() {
    #expect(ArticleMetadataLine("Source: https://a.example/x") == .source("https://a.example/x"))
    #expect(ArticleMetadataLine("URL: www.example.com/y") == .source("www.example.com/y"))
    #expect(
      ArticleMetadataLine("- Source: <https://a.example/x>") == .source("https://a.example/x"))
    #expect(
      ArticleMetadataLine("**Source:** [FT](https://ft.example/z)")
        == .source("https://ft.example/z"))
    #expect(
      ArticleMetadataLine("Published: 2025-11-15T08:00:00Z") == .published("2025-11-15T08:00:00Z"))
    #expect(ArticleMetadataLine("* **Date**: 15 Nov 2025") == .published("15 Nov 2025"))
    #expect(ArticleMetadataLine("Tags: a, b , ,a") == .tags(["a", "b"]))
    #expect(ArticleMetadataLine("tags: #china #tech") == .tags(["china", "tech"]))
    #expect(ArticleMetadataLine("Tags:") == .tags([]))
  }

  @Test func otherLinesAreNoMetadata() {
    #expect(ArticleMetadataLine("Source: Reuters") == nil)
    #expect(ArticleMetadataLine("Published:") == nil)
    #expect(ArticleMetadataLine("https://example.com") == nil)
    #expect(ArticleMetadataLine("The plan: more chips") == nil)
    #expect(ArticleMetadataLine("No colon here") == nil)
  }
}
