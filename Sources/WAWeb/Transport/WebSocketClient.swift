import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// Connects to a websocket server (WhatsApp Web, or the local sandbox) and hands the upgraded connection
/// to a closure for as long as the closure runs.
///
/// - `wss://` uses TLS 1.2+ with full verification: system trust roots (or injected ones, see
///   `WebSocketClientConfiguration.TLS`), SNI and hostname checks.
/// - Plain `ws://` is allowed only to loopback hosts; anything else is refused by `init`, before any I/O.
/// - The upgrade request carries `Host`, `Origin` (WhatsApp requires `https://web.whatsapp.com`),
///   `User-Agent` and the configured extra headers.
///
/// The client holds no connection and is cheap to keep: each `withConnection` call opens a new one, so a
/// reconnect loop calls it again.
///
/// ```swift
/// let client = try WebSocketClient(configuration: .init())   // wss://web.whatsapp.com/ws/chat
/// try await client.withConnection { connection in
///     try await connection.send(codec.encode(clientHello))
///     for try await message in connection.messages { … }
/// }
/// ```
public struct WebSocketClient: Sendable {
    /// The configuration the client was created with.
    public let configuration: WebSocketClientConfiguration
    /// The parsed `configuration.url`.
    public let url: WebSocketURL

    private let eventLoopGroup: any EventLoopGroup
    private let sslContext: NIOSSLContext?

    /// Creates a client; no connection is made yet.
    /// - Parameters:
    ///   - configuration: Where and how to connect.
    ///   - eventLoopGroup: The NIO loops to run on (default the process-wide singleton).
    /// - Throws: `WebSocketError.invalidURL`; `.insecureTransport` for `ws://` to a non-loopback host;
    ///   `.tlsConfiguration` if the trust roots cannot be loaded.
    public init(
        configuration: WebSocketClientConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws {
        let url = try WebSocketURL(configuration.url)
        if url.isSecure {
            sslContext = try configuration.tls.makeContext()
        } else {
            guard url.isLoopback else {
                throw WebSocketError(
                    .insecureTransport,
                    "refusing plain ws:// to \(url.host): only loopback hosts may be reached without TLS; use wss://"
                )
            }
            sslContext = nil
        }
        self.url = url
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
    }

    /// Connects, upgrades, runs `body` with the connection, then closes it.
    ///
    /// When `body` returns or throws while the connection is still open, a close handshake with 1000 is done
    /// (bounded by `closeTimeout`) before this returns.
    /// - Parameter body: Uses the connection; its result is returned.
    /// - Returns: What `body` returned.
    /// - Throws: `WebSocketError` (`connectTimeout`, `connectionFailed`, `upgradeRejected`) if connecting
    ///   fails, or whatever `body` throws.
    @discardableResult
    public func withConnection<Result: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (WebSocketConnection) async throws -> Result
    ) async throws -> Result {
        let (channel, state) = try await connect()
        let closeTimeout = configuration.closeTimeout
        return try await channel.executeThenClose { inbound, outbound in
            let connection = WebSocketConnection(
                inbound: inbound,
                outbound: outbound,
                channel: channel.channel,
                state: state,
                closeTimeout: closeTimeout
            )
            do {
                let result = try await body(connection)
                await connection.close()
                return result
            } catch {
                await connection.close()
                throw error
            }
        }
    }

    // MARK: Connecting

    private enum UpgradeResult: Sendable {
        case upgraded(NIOAsyncChannel<ByteBuffer, WebSocketOutboundCommand>, WebSocketConnectionState)
        case rejected(EventLoopFuture<HTTPResponseStatus>)
    }

    private func connect() async throws
        -> (NIOAsyncChannel<ByteBuffer, WebSocketOutboundCommand>, WebSocketConnectionState)
    {
        let deadline = NIODeadline.now() + TimeAmount(configuration.connectTimeout)
        let bootstrap = ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
        let initializer: @Sendable (any Channel) -> EventLoopFuture<EventLoopFuture<UpgradeResult>> = {
            [self] channel in
            channel.eventLoop.makeCompletedFuture { try self.configurePipeline(channel, deadline: deadline) }
        }

        let upgrade: EventLoopFuture<UpgradeResult>
        do {
            if url.isSecure {
                upgrade = try await bootstrap.connect(host: url.host, port: url.port, channelInitializer: initializer)
            } else {
                // Loopback only (checked in init). `localhost` is pinned to 127.0.0.1 so that no resolver
                // can send plain-text traffic elsewhere.
                let ip = url.host == "localhost" || url.host == "localhost." ? "127.0.0.1" : url.host
                let address = try SocketAddress(ipAddress: ip, port: url.port)
                upgrade = try await bootstrap.connect(to: address, channelInitializer: initializer)
            }
        } catch {
            throw connectError(error, deadline: deadline)
        }

        let result: UpgradeResult
        do {
            result = try await upgrade.get()
        } catch let error as WebSocketError {
            throw error
        } catch let error as NIOHTTPClientUpgradeError {
            throw WebSocketError(
                .upgradeRejected,
                "the server's 101 response is not a valid websocket upgrade (\(error))",
                httpStatus: 101,
                underlying: error
            )
        } catch {
            throw connectError(error, deadline: deadline)
        }

        switch result {
        case .upgraded(let channel, let state):
            return (channel, state)
        case .rejected(let statusFuture):
            let status = try? await statusFuture.get()
            let statusText = status.map { "\($0.code) \($0.reasonPhrase)" } ?? "no response"
            throw WebSocketError(
                .upgradeRejected,
                "the server refused the websocket upgrade of \(url): \(statusText)",
                httpStatus: status.map { Int($0.code) }
            )
        }
    }

    private func connectError(_ error: any Error, deadline: NIODeadline) -> WebSocketError {
        if let error = error as? WebSocketError { return error }
        if case ChannelError.connectTimeout = error {
            return WebSocketError(.connectTimeout, "connecting to \(url) timed out", underlying: error)
        }
        if NIODeadline.now() >= deadline {
            return WebSocketError(.connectTimeout, "connecting to \(url) timed out", underlying: error)
        }
        if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
            return WebSocketError(.connectionFailed, "TLS handshake with \(url) failed", underlying: error)
        }
        return WebSocketError(.connectionFailed, "cannot connect to \(url)", underlying: error)
    }

    /// TLS (for `wss://`), HTTP/1.1 with the upgrade handler, and a timer that fails the upgrade at the
    /// deadline. Runs on the channel's event loop before the connection is made.
    private func configurePipeline(_ channel: any Channel, deadline: NIODeadline) throws
        -> EventLoopFuture<UpgradeResult>
    {
        let operations = channel.pipeline.syncOperations
        if let sslContext {
            // SNI takes a name, never an IP literal; for a literal NIOSSL checks the certificate against the
            // connected address instead.
            let handler = try NIOSSLClientHandler(
                context: sslContext,
                serverHostname: url.hostIsIPAddress ? nil : url.host
            )
            try operations.addHandler(handler)
        }

        let maximumMessageLength = min(max(configuration.maximumMessageLength, 1), Int(UInt32.max))
        let closeTimeout = configuration.closeTimeout
        let highWatermark = max(configuration.maximumBufferedMessages, 1)
        let upgrader = NIOTypedWebSocketClientUpgrader<UpgradeResult>(
            maxFrameSize: maximumMessageLength,
            enableAutomaticErrorHandling: false  // WebSocketMessageHandler maps decoder errors to close codes
        ) { channel, _ in
            channel.eventLoop.makeCompletedFuture {
                let (asyncChannel, state) = try WebSocketMessageHandler.installAsync(
                    on: channel, role: .client, maximumMessageLength: maximumMessageLength, closeTimeout: closeTimeout,
                    highWatermark: highWatermark)
                return UpgradeResult.upgraded(asyncChannel, state)
            }
        }

        let configuration = NIOTypedHTTPClientUpgradeConfiguration<UpgradeResult>(
            upgradeRequestHead: upgradeRequestHead(),
            upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.eventLoop.makeCompletedFuture {
                    let status = channel.eventLoop.makePromise(of: HTTPResponseStatus.self)
                    try channel.pipeline.syncOperations.addHandler(WebSocketUpgradeRejectionHandler(status: status))
                    return UpgradeResult.rejected(status.futureResult)
                }
            }
        )
        var pipelineConfiguration = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: configuration)
        // NIO drops bytes that follow the 101 in the same read by default: those are the server's first
        // websocket frames (WhatsApp's server hello, a sandbox's immediate ping), so they must go on.
        pipelineConfiguration.leftOverBytesStrategy = .forwardBytes
        let upgrade = try operations.configureUpgradableHTTPClientPipeline(configuration: pipelineConfiguration)

        // TCP connect, TLS and upgrade share one deadline. The error travels the pipeline to NIO's upgrade
        // handler, which fails the upgrade with it; both run on this loop, so once the upgrade completed
        // the timer is already cancelled.
        let url = self.url
        let timer = channel.eventLoop.scheduleTask(deadline: deadline) {
            channel.pipeline.fireErrorCaught(
                WebSocketError(.connectTimeout, "connecting to \(url) timed out (TCP, TLS and HTTP upgrade)")
            )
            channel.close(promise: nil)
        }
        upgrade.whenComplete { _ in timer.cancel() }
        channel.closeFuture.whenComplete { _ in timer.cancel() }
        return upgrade
    }

    private func upgradeRequestHead() -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: url.hostHeader)
        headers.add(name: "Origin", value: configuration.origin)
        if let userAgent = configuration.userAgent {
            headers.add(name: "User-Agent", value: userAgent)
        }
        for header in configuration.additionalHeaders {
            headers.add(name: header.name, value: header.value)
        }
        return HTTPRequestHead(version: .http1_1, method: .GET, uri: url.target, headers: headers)
    }
}
