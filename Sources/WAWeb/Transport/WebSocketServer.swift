import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// A websocket server for the local WhatsApp-compatible sandbox: listens on a host and port, upgrades
/// requests on one path (others get `404`), and runs a handler per connection with the same
/// `WebSocketConnection` interface the client gets.
///
/// Each connection runs in a child task of one discarding task group. Cancelling `run` (or leaving
/// `withRunning`'s body) shuts down gracefully: accepting stops, every open connection gets a close frame
/// with 1001 (going away), and `run` returns once all handlers have returned and the listener is closed.
/// A handler that throws has its connection closed with 1011.
///
/// ```swift
/// let server = WebSocketServer(configuration: .init(port: 0))
/// try await server.withRunning(handler: { connection, request in
///     for try await message in connection.messages { try await connection.send(message) }  // echo
/// }) { port in
///     let client = try WebSocketClient(configuration: .init(url: "ws://127.0.0.1:\(port)/ws/chat"))
///     …
/// }
/// ```
public struct WebSocketServer: Sendable {
    /// Handles one upgraded connection; the connection is closed when it returns.
    public typealias Handler = @Sendable (WebSocketConnection, WebSocketUpgradeRequest) async throws -> Void

    /// The configuration the server was created with.
    public let configuration: WebSocketServerConfiguration
    private let eventLoopGroup: any EventLoopGroup

    /// Creates a server; nothing is bound until `run` or `withRunning`.
    /// - Parameters:
    ///   - configuration: Address, path, limits, optional TLS.
    ///   - eventLoopGroup: The NIO loops to run on (default the process-wide singleton).
    public init(
        configuration: WebSocketServerConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
    }

    /// Binds and serves until the task is cancelled, then shuts down gracefully.
    /// - Parameters:
    ///   - onListening: Called once with the bound port (useful with port 0) before connections are accepted.
    ///   - handler: Runs once per upgraded connection.
    /// - Throws: `WebSocketError.tlsConfiguration` or a bind error.
    public func run(onListening: @Sendable (Int) async -> Void = { _ in }, handler: @escaping Handler) async throws {
        let listener = try await bind()
        await onListening(listener.channel.localAddress?.port ?? 0)
        try await serve(listener, handler: handler)
    }

    /// Binds, serves while `body` runs, then shuts down gracefully (also when `body` throws).
    /// - Parameters:
    ///   - handler: Runs once per upgraded connection.
    ///   - body: Runs with the bound port; its result is returned.
    /// - Returns: What `body` returned.
    /// - Throws: `WebSocketError.tlsConfiguration`, a bind error, or what `body` throws.
    @discardableResult
    public func withRunning<Result: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        handler: @escaping Handler,
        _ body: (Int) async throws -> Result
    ) async throws -> Result {
        let listener = try await bind()
        let port = listener.channel.localAddress?.port ?? 0
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await serve(listener, handler: handler) }
            defer { group.cancelAll() }
            return try await body(port)
        }
    }

    // MARK: Serving

    private typealias Listener = NIOAsyncChannel<EventLoopFuture<UpgradeResult>, Never>

    private enum UpgradeResult: Sendable {
        case upgraded(
            NIOAsyncChannel<ByteBuffer, WebSocketOutboundCommand>,
            WebSocketConnectionState,
            WebSocketUpgradeRequest
        )
        case refused
    }

    private func bind() async throws -> Listener {
        let sslContext = try configuration.tls?.makeContext()
        let configuration = self.configuration
        return try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try Self.configurePipeline(channel, configuration: configuration, sslContext: sslContext)
                }
            }
    }

    private func serve(_ listener: Listener, handler: @escaping Handler) async throws {
        do {
            try await accept(listener, handler: handler)
        } catch is CancellationError where Task.isCancelled {
            // Cancellation is how the server is asked to stop: a graceful end, not a failure.
        }
    }

    private func accept(_ listener: Listener, handler: @escaping Handler) async throws {
        try await listener.executeThenClose { inbound in
            try await withThrowingDiscardingTaskGroup { group in
                for try await upgrade in inbound {
                    group.addTask {
                        // A failed or refused upgrade concerns that peer only, never the server.
                        guard case .upgraded(let channel, let state, let request) = try? await upgrade.get() else {
                            return
                        }
                        await Self.runConnection(
                            channel,
                            state: state,
                            request: request,
                            closeTimeout: configuration.closeTimeout,
                            handler: handler
                        )
                    }
                }
            }
        }
    }

    private static func runConnection(
        _ channel: NIOAsyncChannel<ByteBuffer, WebSocketOutboundCommand>,
        state: WebSocketConnectionState,
        request: WebSocketUpgradeRequest,
        closeTimeout: Duration,
        handler: Handler
    ) async {
        try? await channel.executeThenClose { inbound, outbound in
            let connection = WebSocketConnection(
                inbound: inbound,
                outbound: outbound,
                channel: channel.channel,
                state: state,
                closeTimeout: closeTimeout
            )
            let failed: Bool
            do {
                try await withTaskCancellationHandler {
                    try await handler(connection, request)
                } onCancel: {
                    // Server shutdown: tell the peer at once, even if the handler is busy elsewhere.
                    channel.channel.writeAndFlush(
                        WebSocketOutboundCommand.close(.goingAway, reason: "server shutting down"),
                        promise: nil
                    )
                }
                failed = false
            } catch {
                failed = true
            }
            await connection.close(code: failed ? .internalError : .normalClosure)
        }
    }

    /// Optional TLS, HTTP/1.1 with the websocket upgrader for `configuration.path`, the gate that refuses
    /// everything else, and a handshake timer.
    private static func configurePipeline(
        _ channel: any Channel,
        configuration: WebSocketServerConfiguration,
        sslContext: NIOSSLContext?
    ) throws -> EventLoopFuture<UpgradeResult> {
        if let sslContext {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
        }
        let path = configuration.path
        let maximumMessageLength = min(max(configuration.maximumMessageLength, 1), Int(UInt32.max))
        let closeTimeout = configuration.closeTimeout
        let highWatermark = max(configuration.maximumBufferedMessages, 1)

        let upgrader = NIOTypedWebSocketServerUpgrader<UpgradeResult>(
            maxFrameSize: maximumMessageLength,
            enableAutomaticErrorHandling: false,  // WebSocketMessageHandler maps decoder errors to close codes
            shouldUpgrade: { channel, _ in
                channel.eventLoop.makeSucceededFuture(HTTPHeaders())  // WebSocketUpgradeGate already checked
            },
            upgradePipelineHandler: { channel, head in
                channel.eventLoop.makeCompletedFuture {
                    let (asyncChannel, state) = try WebSocketMessageHandler.installAsync(
                        on: channel, role: .server, maximumMessageLength: maximumMessageLength, closeTimeout: closeTimeout,
                        highWatermark: highWatermark)
                    return UpgradeResult.upgraded(asyncChannel, state, WebSocketUpgradeRequest(head))
                }
            }
        )

        let operations = channel.pipeline.syncOperations
        let upgrade = try operations.configureUpgradableHTTPServerPipeline(
            configuration: .init(
                upgradeConfiguration: .init(
                    upgraders: [upgrader],
                    notUpgradingCompletionHandler: { channel in
                        // Unreachable in practice: the gate answers every request that is not upgraded.
                        channel.close(promise: nil)
                        return channel.eventLoop.makeSucceededFuture(UpgradeResult.refused)
                    }
                )
            )
        )
        let upgradeHandler = try operations.handler(type: NIOTypedHTTPServerUpgradeHandler<UpgradeResult>.self)
        try operations.addHandler(WebSocketUpgradeGate(path: path), position: .before(upgradeHandler))

        // A peer that connects and never finishes the handshake must not hold a task forever.
        let timer = channel.eventLoop.scheduleTask(in: TimeAmount(configuration.handshakeTimeout)) {
            channel.close(promise: nil)
        }
        upgrade.whenComplete { result in
            if case .success(.upgraded) = result { timer.cancel() }
        }
        channel.closeFuture.whenComplete { _ in timer.cancel() }
        return upgrade
    }
}
