import FolioModel
import Foundation
import Testing

@testable import FolioArticles

/// The article fixtures and what they hold, extracted by hand. `Tests/Fixtures` holds a copy
/// of `../shared/fixtures/articles`, so the tests run wherever the repository is cloned.
enum Fixtures {
  static let articlesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures").standardizedFileURL

  /// The bytes of a fixture file.
  static func bytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: articlesDirectory.appendingPathComponent(name)))
  }

  static let alibabaFileName = "alibaba-ft-pla-report.txt"

  static func alibabaBytes() throws -> [UInt8] { try bytes(alibabaFileName) }

  static func alibabaText() throws -> String {
    String(decoding: try alibabaBytes(), as: UTF8.self)
  }

  static let alibabaTitle =
    "Alibaba condemns FT report on firm’s alleged PLA ties as ‘completely false’, ‘malicious’"

  static let alibabaSummary = [
    #"Alibaba Group Holding on Saturday denied a Financial Times report alleging the "#,
    #"company's support for China’s military in operations against the United States. "#,
    #"An Alibaba representative stated that the article’s "assertions and innuendos "#,
    #"are completely false," questioning the motivation behind the anonymous leak, "#,
    #"which the FT admitted it could not verify. The representative characterized the "#,
    #"article as a "malicious PR operation" seemingly designed to "undermine President "#,
    #"Trump’s recent trade deal with China." The report, citing a White House memo, "#,
    #"claimed Alibaba provided the Chinese government and the People's Liberation Army "#,
    #"(PLA) with access to customer data, including IP addresses, Wi-Fi information, "#,
    #"payment records, and artificial intelligence services. It also alleged that "#,
    #"Alibaba employees transferred "zero-day" vulnerabilities to the PLA."#,
  ].joined()

  static let alibabaBackground = [
    #"US-China tensions over technology and data security have been ongoing since the "#,
    #"early 2020s, with increasing scrutiny from the US government on Chinese "#,
    #"technology companies. Following President Trump's re-election in 2024, his "#,
    #"administration continues to prioritize national security and trade balance in "#,
    #"its China policy. Previously, the US government has imposed sanctions or "#,
    #"restrictions on several Chinese tech firms, citing concerns over their alleged "#,
    #"ties to the Chinese military or intelligence agencies. Alibaba, as one of "#,
    #"China's largest tech giants, has long been a focal point for Western regulators "#,
    #"and media."#,
  ].joined()

  static let alibabaQuestions = [
    "What are the strategic implications of such allegations, regardless of their veracity, "
      + "for the US-China tech decoupling process?",
    #"What does Alibaba's strong denial, and its attribution of the report to "undermining "#
      + #"a trade deal," reveal?"#,
    #"How should investors assess the long-term investment risk of such "anonymous leak" "#
      + "reports for Alibaba and the broader Chinese tech sector?",
  ]

  static let alibabaPoints = [
    [
      "Even if the allegations are ultimately proven false, the mere existence of such "
        + "reports reflects the deep trust deficit and ongoing tech cold war between the US "
        + "and China.",
      "It could be leveraged by US hardliners as a pretext to further tighten export "
        + "controls, investment restrictions, or supply chain scrutiny on Chinese tech firms, "
        + "compelling global businesses to make clearer choices between US and Chinese "
        + "technological ecosystems.",
      #"Given the Trump administration's "America First" trade strategy, such incidents "#
        + "could be used to increase pressure on China in future trade negotiations or as a "
        + "continuation of its tough-on-China post-re-election policy.",
    ],
    [
      "Alibaba's swift and firm denial indicates the company's acute awareness of the "
        + "severity of such accusations and their potentially devastating impact on its "
        + "international business and reputation.",
      #"By pointing to "undermining a trade deal," Alibaba and, by extension, Chinese "#
        + "policymakers, suggest this is not merely an attack on one company but an "
        + "interference with the delicate economic relationship and the Trump "
        + "administration's China policy.",
      "This might also imply Beijing's concern that such allegations could be used as a "
        + "tool to escalate a broader economic conflict, rather than a simple investigation "
        + "into corporate misconduct.",
    ],
    [
      "Such reports underscore the persistent geopolitical risk premium faced by Chinese "
        + #"tech companies. Even without concrete proof, the mere mention of an "anonymous "#
        + #"leak" and a "White House memo" is sufficient to trigger market concerns about "#
        + "potential sanctions and business disruptions.",
      #"Investors need to consider that in the US political cycle, these "national "#
        + #"security" related accusations could recur and become a normalized risk rather "#
        + "than a one-off event.",
      "In the long term, such incidents may accelerate Chinese tech firms' pursuit of "
        + #""de-Americanized" alternative solutions in supply chains, data storage, and R&D, "#
        + "which could, in turn, affect their international market share and technological "
        + "development trajectory, ultimately impacting their investment value.",
    ],
  ]

  /// The article the fixture holds.
  static let alibabaArticle = Article(
    title: alibabaTitle, summary: alibabaSummary, background: alibabaBackground,
    insights: zip(alibabaQuestions, alibabaPoints).map { Insight(question: $0, points: $1) })
}
