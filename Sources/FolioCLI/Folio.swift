import ArgumentParser

/// The `folio` command.
public struct Folio: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(commandName: "folio")
  public init() {}
}
