import FolioModel
import Foundation
import ProtocolVectors
import Testing

@Suite("Change vectors")
struct ChangeVectorTests {
  static let cases = (try? ChangeVectorCase.all()) ?? []

  @Test func theKitIsThere() {
    #expect(
      Self.cases.count >= 80, "expected the change vectors in \(ChangeVectorCase.directory.path)")
    let rules = Set(
      Self.cases.compactMap { item -> String? in
        if case .refuse(_, let rule) = item.expect { return rule }
        return nil
      })
    #expect(rules == Set(ChangeRule.allCases.map(\.rawValue)), "every rule has a refused case")
  }

  @Test("Case", arguments: cases)
  func decide(_ item: ChangeVectorCase) {
    switch item.expect {
    case .accept:
      do {
        let change = try ChangeJSON.decode(item.bytes)
        #expect(ChangeJSON.encode(change) == item.bytes, "accepted bytes are canonical")
        if let value = change.value {
          var writer = JSONWriter()
          writer.write(value)
          #expect(value.canonicalSize == writer.bytes.count, "canonicalSize counts what is written")
        }
        #expect(throws: Never.self) { try change.validate() }
      } catch {
        Issue.record("refused: \(error)")
      }
    case .refuse(let code, let rule):
      do {
        _ = try ChangeJSON.decode(item.bytes)
        Issue.record("accepted; expected \(code) \(rule)")
      } catch {
        #expect(error.code.rawValue == code)
        #expect(error.rule.rawValue == rule, "\(error)")
      }
    }
  }

  @Test("Pull page", arguments: (try? PullPageCase.all()) ?? [])
  func pullPage(_ item: PullPageCase) {
    do {
      let page = try PullResponse.decode(item.bytes)
      #expect(
        page.changes.count == item.changes,
        "accepted; expected \(item.code ?? "") \(item.rule ?? "")")
    } catch {
      switch error {
      case .invalidChange(_, let refusal):
        #expect(item.code == "invalid-change" && item.rule == refusal.rule.rawValue, "\(error)")
      case .invalidHead(_, let refusal):
        #expect(item.code == "invalid-head" && item.rule == refusal.rule.rawValue, "\(error)")
      case .malformed, .tooManyChanges:
        #expect(item.code == "malformed-page", "\(error)")
      }
    }
  }

  @Test func thePullPagesAreThere() throws {
    #expect(try PullPageCase.all().count >= 10)
  }
}
