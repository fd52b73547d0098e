import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import WAGateCore

/// A local HTTP/1.1 server on 127.0.0.1 that records each request and answers from a script, standing in
/// for a model provider. Streamed answers are written piece by piece with a pause between pieces, so the
/// client really receives them split where the test says.
final class TestHTTPServer: Sendable {
    /// One request as received.
    struct Request: Sendable {
        var method: HTTPMethod
        var uri: String
        var headers: HTTPHeaders
        var body: String
        /// The body parsed as JSON, `nil` when it is not JSON.
        var json: JSONValue? { try? JSONValue.parse(body) }
    }

    /// How to answer one request.
    enum Answer: Sendable {
        /// A whole response.
        case respond(status: HTTPResponseStatus, headers: [(String, String)] = [], body: String)
        /// A chunked response written in `pieces`, `pause` apart.
        case stream(status: HTTPResponseStatus = .ok, headers: [(String, String)], pieces: [[UInt8]], pause: TimeAmount = .milliseconds(5))
        /// Never answer (the client must time out).
        case hang
    }

    private struct State {
        var requests: [Request] = []
        var children: [any Channel] = []
    }

    /// What the connection handlers share with the server.
    private final class Core: Sendable {
        let state = Mutex(State())
        let script: @Sendable (Int, Request) -> Answer

        init(script: @escaping @Sendable (Int, Request) -> Answer) {
            self.script = script
        }

        func answer(for request: Request) -> Answer {
            let index = state.withLock { state in
                state.requests.append(request)
                return state.requests.count - 1
            }
            return script(index, request)
        }
    }

    private let core: Core
    private let channel: any Channel

    /// The port the server listens on.
    let port: Int

    /// Starts a server; `script` gets the request's index (from 0) and the request.
    init(script: @escaping @Sendable (Int, Request) -> Answer) async throws {
        let core = Core(script: script)
        self.core = core
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    core.state.withLock { $0.children.append(channel) }
                    try channel.pipeline.syncOperations.addHandler(Handler(core: core))
                }
            }
        channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    /// Starts a server answering the requests in order with `answers` (the last one repeats).
    convenience init(answers: [Answer]) async throws {
        try await self.init { index, _ in answers[min(index, answers.count - 1)] }
    }

    /// The base URL, e.g. `http://127.0.0.1:5678`.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Every request so far, in order.
    var requests: [Request] { core.state.withLock { $0.requests } }

    /// Stops listening and closes every connection.
    func shutdown() async {
        let children = core.state.withLock { $0.children }
        for child in children { try? await child.close() }
        try? await channel.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let core: Core
        var head: HTTPRequestHead?
        var body = ByteBuffer()

        init(core: Core) {
            self.core = core
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body.clear()
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                guard let head else { return }
                let request = Request(method: head.method, uri: head.uri, headers: head.headers, body: String(buffer: body))
                respond(core.answer(for: request), context: context)
            }
        }

        private func respond(_ answer: Answer, context: ChannelHandlerContext) {
            switch answer {
            case .hang:
                return
            case .respond(let status, let extra, let text):
                var headers = HTTPHeaders(extra)
                if !headers.contains(name: "content-type") { headers.add(name: "content-type", value: "application/json") }
                headers.replaceOrAdd(name: "content-length", value: "\(text.utf8.count)")
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case .stream(let status, let extra, let pieces, let pause):
                let headers = HTTPHeaders(extra)
                context.writeAndFlush(
                    wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
                writePieces(pieces[...], pause: pause, context: context)
            }
        }

        private func writePieces(_ pieces: ArraySlice<[UInt8]>, pause: TimeAmount, context: ChannelHandlerContext) {
            // The client may have given up (a timeout test) and closed the connection.
            guard context.channel.isActive else { return }
            guard let piece = pieces.first else {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                return
            }
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: piece)))), promise: nil)
            context.eventLoop.assumeIsolated().scheduleTask(in: pause) {
                self.writePieces(pieces.dropFirst(), pause: pause, context: context)
            }
        }
    }
}
