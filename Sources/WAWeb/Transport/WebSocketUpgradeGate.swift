import NIOCore
import NIOHTTP1

/// Server side: decides about a request before NIO's upgrade handler sees it, and answers every request it
/// will not upgrade with a short plain-text error, then closes the connection.
///
/// This cannot be left to NIO's "not upgrading" hook: for a request that asks for an upgrade no upgrader
/// accepts (a wrong path, say), NIO 2.101 forwards nothing, so no one could answer it and the client would
/// wait for the handshake timeout. The gate sits before the upgrade handler: an acceptable upgrade request
/// (right path, `Upgrade: websocket`, a key, version 13) passes and the gate removes itself; anything
/// else gets `404` (wrong path), `426` (not a websocket request) or `400` (bad websocket headers).
final class WebSocketUpgradeGate: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let path: String
    private var responded = false

    init(path: String) {
        self.path = path
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !responded else { return }  // the rest of a refused request
        guard case .head(let head) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        guard let (status, text) = refusal(of: head) else {
            context.fireChannelRead(data)
            // What follows the upgrade is websocket bytes, not HTTP parts: step aside.
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        responded = true
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(text.utf8.count))
        headers.add(name: "Connection", value: "close")
        if status == .upgradeRequired { headers.add(name: "Upgrade", value: "websocket") }
        let responseHead = HTTPResponseHead(version: head.version, status: status, headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    /// The status and body for a request that is not upgraded, or nil for an acceptable upgrade request.
    func refusal(of head: HTTPRequestHead) -> (HTTPResponseStatus, String)? {
        let request = WebSocketUpgradeRequest(head)
        guard request.path == path else {
            return (.notFound, "no websocket endpoint at \(request.path)\n")
        }
        let upgrade = head.headers[canonicalForm: "upgrade"].map { $0.lowercased() }
        let connection = head.headers[canonicalForm: "connection"].map { $0.lowercased() }
        guard head.method == .GET, upgrade.contains("websocket"), connection.contains("upgrade") else {
            return (.upgradeRequired, "a websocket upgrade request is expected on \(path)\n")
        }
        guard head.headers["Sec-WebSocket-Key"].count == 1, head.headers["Sec-WebSocket-Version"] == ["13"] else {
            return (.badRequest, "a websocket upgrade needs one Sec-WebSocket-Key and Sec-WebSocket-Version 13\n")
        }
        return nil
    }
}
