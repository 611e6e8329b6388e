import ArgumentParser
import FolioServer

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// `folio-server token …`: manage bearer tokens.
struct TokenCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "token",
    abstract: "Manage access tokens (only their hashes are stored).",
    subcommands: [Create.self, List.self, Revoke.self])

  /// `folio-server token create --space NAME --user NAME [--read-only]`.
  struct Create: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Make a token for a user on a space and print it once.")

    @OptionGroup var data: DataOptions

    @Option(help: "The space the token opens.")
    var space: String

    @Option(help: "The user the token belongs to: 1 to 64 of A-Z a-z 0-9 . _ -")
    var user: String

    @Flag(help: "Allow pulling only, not pushing.")
    var readOnly = false

    func validate() throws {
      do {
        try NameRules.check(space, as: "space")
        try NameRules.checkUser(user)
      } catch {
        throw ValidationError(error.message)
      }
    }

    func run() async throws {
      let token = try await data.withStore { store in
        try await store.issueToken(space: space, user: user, readOnly: readOnly).token
      }
      let mode = readOnly ? "read-only" : "read-write"
      print("token for \(user) on \(space) (\(mode)): \(token)")
    }
  }

  /// `folio-server token list [--space NAME]`.
  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List tokens: id, user, space, mode, created, revoked (never the token).")

    @OptionGroup var data: DataOptions

    @Option(help: "Only the tokens of this space.")
    var space: String?

    func run() async throws {
      let tokens = try await data.withStore { try await $0.tokens(in: space) }
      let rows =
        [["ID", "USER", "SPACE", "MODE", "CREATED", "REVOKED"]]
        + tokens.map { token in
          [
            token.id, token.user, token.space, token.readOnly ? "read-only" : "read-write",
            Self.format(token.created), token.revoked.map(Self.format) ?? "-",
          ]
        }
      let widths = (0..<6).map { column in rows.map { $0[column].count }.max() ?? 0 }
      for row in rows {
        let cells = zip(row, widths).map { cell, width in
          cell + String(repeating: " ", count: width - cell.count)
        }
        print(cells.joined(separator: "  ").trimmingTrailingSpaces())
      }
    }

    static func format(_ date: Date) -> String {
      date.formatted(.iso8601)
    }
  }

  /// `folio-server token revoke ID`.
  struct Revoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Revoke a token; it stops working at once.")

    @OptionGroup var data: DataOptions

    @Argument(help: "The token's id, or a unique prefix of it (4 or more hex digits).")
    var id: String

    func run() async throws {
      let token = try await data.withStore { try await $0.revokeToken(idPrefix: id) }
      print("revoked token \(token.id) for \(token.user) on \(token.space)")
    }
  }
}

extension String {
  fileprivate func trimmingTrailingSpaces() -> String {
    var text = self
    while text.last == " " { text.removeLast() }
    return text
  }
}
