import FolioModel
import Hummingbird
import NIOCore
import NIOHTTPTypes

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// Refuses a request body over the limit at the connection, before the router: answers 413
/// `body-too-large` with `Connection: close` as soon as the `Content-Length` or the bytes
/// received pass the limit, then closes the connection. Without it, a client still sending a
/// large body could wait for an answer that is never read, or lose the one that was written.
///
/// The close is "lingering", as HTTP servers do: the output side is shut at once (the
/// client reads the 413 and then end of stream), the rest of the body is read and dropped,
/// and the connection is closed for good when the client closes or after `lingerSeconds`.
final class BodySizeLimitHandler: ChannelDuplexHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPRequestPart
  typealias InboundOut = HTTPRequestPart
  typealias OutboundIn = HTTPResponsePart
  typealias OutboundOut = HTTPResponsePart

  private let limit: Int
  private let lingerSeconds: Int64
  /// Body bytes of the current request so far.
  private var received = 0
  /// Whether the router has started answering the current request.
  private var responseStarted = false
  /// Whether the router has finished answering the current request.
  private var responseEnded = false
  /// Set once the current request is over the limit: everything after is dropped.
  private var refused = false

  init(limit: Int, lingerSeconds: Int64 = 2) {
    self.limit = limit
    self.lingerSeconds = lingerSeconds
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard !refused else { return }
    let part = unwrapInboundIn(data)
    switch part {
    case .head(let head):
      received = 0
      responseStarted = false
      responseEnded = false
      if let length = head.headerFields[.contentLength].flatMap(Int.init), length > limit {
        refuse(context: context)
        return
      }
    case .body(let buffer):
      received += buffer.readableBytes
      if received > limit {
        refuse(context: context)
        return
      }
    case .end: break
    }
    context.fireChannelRead(data)
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    guard !refused else {
      // The router answering a request already refused here: its answer is not sent.
      promise?.fail(ChannelError.ioOnClosedChannel)
      return
    }
    switch unwrapOutboundIn(data) {
    case .head: responseStarted = true
    case .body: break
    case .end: responseEnded = true
    }
    context.write(data, promise: promise)
  }

  /// Sends the 413 (unless the router already answered), shuts the output and schedules the
  /// final close.
  private func refuse(context: ChannelHandlerContext) {
    refused = true
    if !responseStarted {
      let error = SyncError.bodyTooLarge(limit: limit)
      let body = ByteBuffer(bytes: (try? JSONEncoder().encode(error.body)) ?? Data())
      let head = HTTPResponse(
        status: .contentTooLarge,
        headerFields: [
          .contentType: "application/json; charset=utf-8", .connection: "close",
          .contentLength: String(body.readableBytes),
        ])
      context.write(wrapOutboundOut(.head(head)), promise: nil)
      context.write(wrapOutboundOut(.body(body)), promise: nil)
      context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
      context.close(mode: .output, promise: nil)
    } else if responseEnded {
      context.close(mode: .output, promise: nil)
    }
    let channel = context.channel
    context.eventLoop.scheduleTask(in: .seconds(lingerSeconds)) {
      channel.close(promise: nil)
    }
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if refused, let event = event as? ChannelEvent, event == .inputClosed {
      context.close(promise: nil)
      return
    }
    context.fireUserInboundEventTriggered(event)
  }
}
