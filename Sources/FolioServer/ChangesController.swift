import FolioModel
import Hummingbird
import Logging

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// The routes of one space: pull, push and vector, over any `ChangeStore`.
struct ChangesController<Store: ChangeStore, Context: RequestContext>: Sendable {
  let store: Store
  let authenticator: Authenticator<Store>
  let limits: ServerLimits
  /// The server's wall clock in Unix milliseconds.
  let wallClock: @Sendable () -> UInt64

  init(store: Store, limits: ServerLimits, wallClock: @escaping @Sendable () -> UInt64) {
    self.store = store
    self.authenticator = Authenticator(store: store)
    self.limits = limits
    self.wallClock = wallClock
  }

  /// Adds `{space}/changes` (GET, POST) and `{space}/vector` (GET) to `group`.
  func addRoutes(to group: RouterGroup<Context>) {
    group.get("{space}/changes", use: pull)
    group.post("{space}/changes", use: push)
    group.get("{space}/vector", use: vector)
  }

  @Sendable func pull(_ request: Request, context: Context) async throws -> Response {
    let space = try context.parameters.require("space")
    _ = try await authenticator.authorize(request, space: space, for: .read)
    let query = request.uri.queryParameters
    let after = try Self.integer(query["after"].map(String.init), named: "after") ?? 0
    guard (0...JSONReader.maximumInteger).contains(Int64(after)) else {
      throw SyncError.badRequest("after must be 0 to \(JSONReader.maximumInteger)")
    }
    // Any `limit` above the maximum is lowered to it, however many digits it has.
    let limit =
      try Self.integer(query["limit"].map(String.init), named: "limit", saturating: true)
      ?? limits.defaultPageLimit
    guard limit >= 1 else { throw SyncError.badRequest("limit must be 1 or more") }
    let wait = try Self.integer(query["wait"].map(String.init), named: "wait") ?? 0
    guard (0...LongPoll.maximumWaitSeconds).contains(wait) else {
      throw SyncError.badRequest("wait must be 0 to \(LongPoll.maximumWaitSeconds) seconds")
    }
    let page = try await LongPoll.page(
      of: store, in: space, after: after, limit: min(limit, limits.maximumPageLimit),
      maximumBytes: limits.maximumPageBytes, wait: .seconds(wait))
    return Self.jsonResponse(Self.pullBody(page))
  }

  @Sendable func vector(_ request: Request, context: Context) async throws -> Response {
    let space = try context.parameters.require("space")
    _ = try await authenticator.authorize(request, space: space, for: .read)
    return try Self.jsonResponse(try await store.vector(of: space))
  }

  @Sendable func push(_ request: Request, context: Context) async throws -> Response {
    let space = try context.parameters.require("space")
    let token = try await authenticator.authorize(request, space: space, for: .write)
    let pushRequest = try await decodePush(request)
    let batch = pushRequest.changes.map(IncomingChange.init)
    let response = try await store.append(
      batch, heads: pushRequest.heads, to: space, by: token.user)
    // A change is never refused for its clock (a refusal would wedge its site: every later
    // change waits behind it); the operator hears of a machine whose clock is ahead.
    if let newest = pushRequest.changes.max(by: { $0.hlc < $1.hlc }),
      let skew = ClockSkew(
        localMilliseconds: wallClock(), remoteMilliseconds: newest.hlc.milliseconds,
        remoteName: "user \(token.user)'s machine",
        toleranceMilliseconds: limits.maximumClockSkewMilliseconds), !skew.localIsAhead
    {
      context.logger.warning(
        "push with a clock ahead of the server's",
        metadata: ["space": "\(space)", "user": "\(token.user)", "skew": "\(skew)"])
    }
    context.logger.info(
      "push stored",
      metadata: [
        "space": "\(space)", "user": "\(token.user)", "token": "\(token.id)",
        "accepted": "\(response.accepted)", "duplicates": "\(response.duplicates)",
        "cursor": "\(response.cursor)",
      ])
    return try Self.jsonResponse(response)
  }

  // MARK: Helpers

  /// Reads the body (`BodySizeLimitHandler` has already refused one over the limit at the
  /// connection) and decodes it with the one change codec: each change must be valid and
  /// in canonical form, exactly as in a bundle or a pull.
  private func decodePush(_ request: Request) async throws -> PushRequest {
    let body: ByteBuffer
    do {
      body = try await request.body.collect(upTo: limits.maximumBodyBytes)
    } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
      throw SyncError.bodyTooLarge(limit: limits.maximumBodyBytes)
    }
    do {
      return try PushRequest.decode(
        Array(body.readableBytesView), maximumChanges: limits.maximumPushChanges,
        limits: limits.change)
    } catch {
      switch error {
      case .malformed(let reason): throw SyncError.badRequest(reason)
      case .tooManyChanges(let count, let limit):
        throw SyncError.tooManyChanges(count, limit: limit)
      case .invalidChange(let index, let refusal):
        throw SyncError.invalidChange(refusal, index: index)
      case .invalidHead(let index, let refusal):
        throw SyncError.invalidHead(refusal, index: index)
      }
    }
  }

  /// A query integer as README.md "Query integers" says: one or more ASCII digits, nothing
  /// else (no sign, fraction or space). With `saturating`, more than `Int` holds is `Int.max`.
  private static func integer(
    _ text: String?, named name: String, saturating: Bool = false
  ) throws(SyncError) -> Int? {
    guard let text else { return nil }
    guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
      throw .badRequest("\(name) must be written as digits 0-9 only")
    }
    if let value = Int(text) { return value }
    if saturating { return Int.max }
    throw .badRequest("\(name) is too large")
  }

  /// `{"changes":[…],"cursor":N,"heads":[…],"more":B}` built from the stored canonical bytes.
  static func pullBody(_ page: StoredPage) -> ByteBuffer {
    let size = page.heads.reduce(page.changes.reduce(80) { $0 + $1.count + 1 }) {
      $0 + $1.count + 1
    }
    var buffer = ByteBufferAllocator().buffer(capacity: size)
    buffer.writeString("{\"changes\":[")
    writeList(page.changes, to: &buffer)
    buffer.writeString("],\"cursor\":\(page.cursor),\"heads\":[")
    writeList(page.heads, to: &buffer)
    buffer.writeString("],\"more\":\(page.more)}")
    return buffer
  }

  private static func writeList(_ elements: [[UInt8]], to buffer: inout ByteBuffer) {
    for (index, json) in elements.enumerated() {
      if index > 0 { buffer.writeString(",") }
      buffer.writeBytes(json)
    }
  }

  static func jsonResponse(_ value: some Encodable) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return jsonResponse(ByteBuffer(bytes: try encoder.encode(value)))
  }

  static func jsonResponse(_ body: ByteBuffer) -> Response {
    Response(
      status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
      body: .init(byteBuffer: body))
  }
}
