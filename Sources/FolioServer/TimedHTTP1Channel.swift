import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1.1 channel with `ByteArrivalTap` in front of its decoder, which
/// `HTTP1Channel`'s own configuration cannot place (its handlers all go after the decoder).
struct TimedHTTP1Channel: ServerChildChannel {
  let inner: HTTP1Channel

  func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
    channel.eventLoop.makeCompletedFuture {
      try channel.pipeline.syncOperations.addHandler(ByteArrivalTap(), position: .first)
    }.flatMap { inner.setup(channel: channel, logger: logger) }
  }

  func handle(value: HTTP1Channel.Value, logger: Logger) async {
    await inner.handle(value: value, logger: logger)
  }
}
