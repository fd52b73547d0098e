import NIOCore
import NIOHTTP1

/// Server side: answers a request that was not upgraded (wrong path, not a websocket request, bad
/// websocket headers) with a short plain-text error, then closes the connection.
final class WebSocketUpgradeRefusalResponder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let path: String
    private var responded = false

    init(path: String) {
        self.path = path
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = unwrapInboundIn(data), !responded else { return }
        responded = true
        let request = WebSocketUpgradeRequest(head)
        let (status, text): (HTTPResponseStatus, String) =
            request.path == path
            ? (.badRequest, "a websocket upgrade request is expected on \(path)\n")
            : (.notFound, "no websocket endpoint at \(request.path)\n")
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(text.utf8.count))
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
                      promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
