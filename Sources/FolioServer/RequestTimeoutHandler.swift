import NIOCore
import NIOHTTPTypes

/// The time limits of a connection, so that no client holds one (and its memory) by going
/// slow: a connection waiting for a request is closed after `idle`; a request head must be
/// complete within `header` of its first byte; a body within `body` of its head. Answering
/// takes as long as it takes (a long-polling pull waits up to a minute).
///
/// It sits after the HTTP decoder, where it sees whole heads, and learns of each raw read
/// from `ByteArrivalTap` in front of the decoder, so a head sent a byte at a time (slow
/// loris) is cut off after `header` even though no part of it is ever decoded.
final class RequestTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPRequestPart
  typealias InboundOut = HTTPRequestPart
  typealias OutboundIn = HTTPResponsePart
  typealias OutboundOut = HTTPResponsePart

  /// What the connection is waiting for.
  private enum Phase {
    /// The first byte of a request.
    case idle
    /// The rest of a request's head.
    case head
    /// The rest of a request's body.
    case body
    /// The server's answer; `nextStarted` when bytes of the next request came meanwhile.
    case answering(nextStarted: Bool)
  }

  private let limits: ServerLimits.Timeouts
  private var phase = Phase.idle
  private var deadline: Scheduled<Void>?

  init(limits: ServerLimits.Timeouts) {
    self.limits = limits
  }

  func handlerAdded(context: ChannelHandlerContext) {
    if context.channel.isActive { enter(.idle, context: context) }
  }

  func channelActive(context: ChannelHandlerContext) {
    enter(.idle, context: context)
    context.fireChannelActive()
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    deadline?.cancel()
    deadline = nil
  }

  func channelInactive(context: ChannelHandlerContext) {
    deadline?.cancel()
    deadline = nil
    context.fireChannelInactive()
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    guard event is ByteArrivalTap.BytesArrived else {
      context.fireUserInboundEventTriggered(event)
      return
    }
    switch phase {
    case .idle: enter(.head, context: context)
    case .answering: phase = .answering(nextStarted: true)
    case .head, .body: break
    }
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head: enter(.body, context: context)
    case .body: break
    case .end: enter(.answering(nextStarted: false), context: context)
    }
    context.fireChannelRead(data)
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    if case .end = unwrapOutboundIn(data), case .answering(let nextStarted) = phase {
      enter(nextStarted ? .head : .idle, context: context)
    }
    context.write(data, promise: promise)
  }

  /// Moves to `next` and arms its deadline (none while answering).
  private func enter(_ next: Phase, context: ChannelHandlerContext) {
    phase = next
    deadline?.cancel()
    deadline = nil
    let limit: Duration
    switch next {
    case .idle: limit = limits.idle
    case .head: limit = limits.header
    case .body: limit = limits.body
    case .answering: return
    }
    let channel = context.channel
    deadline = context.eventLoop.scheduleTask(in: TimeAmount(limit)) {
      channel.close(promise: nil)
    }
  }
}

/// Tells the handlers after the HTTP decoder that bytes arrived (a `BytesArrived` inbound
/// event before each read), so that `RequestTimeoutHandler` can time a head still being sent.
final class ByteArrivalTap: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  /// The event: bytes of the connection were read.
  struct BytesArrived {}

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    context.fireUserInboundEventTriggered(BytesArrived())
    context.fireChannelRead(data)
  }
}
