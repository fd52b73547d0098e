import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization
import WAGateCore

/// A local HTTP server that plays the Graph API: records every request and answers with what the
/// test says.
public final class FakeGraphServer: Sendable {
    /// A request as the server saw it.
    public struct Recorded: Sendable {
        public var method: String
        public var path: String
        public var query: String?
        public var authorization: String?
        public var contentType: String?
        public var body: [UInt8]

        /// The body as JSON.
        public var json: JSONValue? { try? JSONValue.parse(Data(body)) }
    }

    /// An answer.
    public struct Reply: Sendable {
        public var status: Int
        public var body: [UInt8]
        public var headers: [String: String] = [:]
        /// Send the body in chunks without a `Content-Length`, as a server hiding the size would.
        public var chunked = false

        /// Creates a reply.
        public init(status: Int, body: [UInt8], headers: [String: String] = [:], chunked: Bool = false) {
            self.status = status
            self.body = body
            self.headers = headers
            self.chunked = chunked
        }

        public static func json(_ text: String, status: Int = 200) -> Reply {
            Reply(status: status, body: Array(text.utf8), headers: ["Content-Type": "application/json"])
        }
    }

    private let recorded = Mutex<[Recorded]>([])
    private let respond: @Sendable (Recorded) -> Reply

    private init(respond: @escaping @Sendable (Recorded) -> Reply) {
        self.respond = respond
    }

    /// Every request so far.
    public var requests: [Recorded] { recorded.withLock { $0 } }

    /// Runs `body` with a server listening on a free loopback port; `baseURL` is `http://127.0.0.1:<port>`.
    public static func with<T: Sendable>(
        respond: @escaping @Sendable (Recorded) -> Reply,
        _ body: @Sendable (_ server: FakeGraphServer, _ baseURL: String) async throws -> T
    ) async throws -> T {
        let server = FakeGraphServer(respond: respond)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let buffer = try await request.collectBody(upTo: 64 << 20)
            let seen = Recorded(
                method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
                authorization: request.headers[.authorization], contentType: request.headers[.contentType],
                body: Array(buffer.readableBytesView))
            server.recorded.withLock { $0.append(seen) }
            let reply = server.respond(seen)
            var headers = HTTPFields()
            for (name, value) in reply.headers { headers[HTTPField.Name(name)!] = value }
            guard reply.chunked else {
                return Response(
                    status: .init(code: reply.status), headers: headers,
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
            }
            let chunks = stride(from: 0, to: reply.body.count, by: 1024).map {
                ByteBuffer(bytes: reply.body[$0..<min($0 + 1024, reply.body.count)])
            }
            return Response(
                status: .init(code: reply.status), headers: headers,
                body: ResponseBody { writer in
                    for chunk in chunks { try await writer.write(chunk) }
                    try await writer.finish(nil)
                })
        }
        var logger = Logger(label: "fake-graph")
        logger.logLevel = .critical
        let application = Application(
            responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            }, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await application.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            defer { group.cancelAll() }
            return try await body(server, "http://127.0.0.1:\(port)")
        }
    }
}
