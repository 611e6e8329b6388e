import Foundation

/// Host names that stay on this machine: 127.0.0.0/8, ::1 and localhost (RFC 6761).
public enum LoopbackHost {
  /// True when `host` (a URL's host, brackets allowed around IPv6) names this machine.
  public static func contains(_ host: String) -> Bool {
    let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
    if name == "localhost" || name.hasSuffix(".localhost") || name == "::1" { return true }
    let parts = name.split(separator: ".", omittingEmptySubsequences: false)
    return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
  }
}

/// When request and response bodies travel gzip-compressed.
public enum HTTPCompression: Sendable {
  /// To another machine only. Over loopback there is no bandwidth to save, and compressing
  /// was the server's largest cost in a pull from a server on the same machine (nearly half
  /// of its time, a ninth of both cores').
  case beyondThisMachine
  /// Always, this machine included (what a pull over a network costs, measured locally).
  case always

  /// Whether an exchange with `url` is compressed.
  func applies(to url: URL) -> Bool {
    switch self {
    case .always: return true
    case .beyondThisMachine: return !LoopbackHost.contains(url.host ?? "")
    }
  }
}
