import NIOCore
import NIOHTTP1

/// Client side: added when the server answers the upgrade request with anything but `101`, to learn the
/// status for the error (NIO's upgrade handler reports only "not upgraded").
final class WebSocketUpgradeRejectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let status: EventLoopPromise<HTTPResponseStatus>

    init(status: EventLoopPromise<HTTPResponseStatus>) {
        self.status = status
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            status.succeed(head.status)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        status.fail(ChannelError.ioOnClosedChannel)
    }

    func channelInactive(context: ChannelHandlerContext) {
        status.fail(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }
}
