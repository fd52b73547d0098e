/// Settings of a `WebSocketServer`, the listening side used by the local WhatsApp-compatible sandbox.
public struct WebSocketServerConfiguration: Sendable {
    /// The address to listen on; loopback by default, and for tests.
    public var host: String
    /// The port; 0 lets the system pick a free one (read it back from `WebSocketServer.port`).
    public var port: Int
    /// The only request path that is upgraded; any other gets `404 Not Found`.
    public var path: String
    /// Serve `wss://` with this certificate; `nil` serves plain `ws://`.
    public var tls: TLS?
    /// How long a new TCP connection may take to complete TLS and the upgrade before it is dropped.
    public var handshakeTimeout: Duration
    /// How long a close handshake may take before the TCP connection is dropped anyway.
    public var closeTimeout: Duration
    /// Largest inbound message, after reassembling fragments; a larger one closes the connection with 1009.
    public var maximumMessageLength: Int
    /// Complete inbound messages buffered ahead of the handler before the socket stops being read.
    public var maximumBufferedMessages: Int

    /// Creates a configuration.
    /// - Parameters:
    ///   - host: Listening address (default `127.0.0.1`).
    ///   - port: Listening port (default 0: any free port).
    ///   - path: Upgraded path (default `/ws/chat`).
    ///   - tls: Certificate for `wss://` (default none).
    ///   - handshakeTimeout: TLS + upgrade budget per connection (default 10 s).
    ///   - closeTimeout: Close handshake budget (default 5 s).
    ///   - maximumMessageLength: Inbound message limit (default 16 MiB).
    ///   - maximumBufferedMessages: Inbound messages buffered ahead of the handler (default 8).
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        path: String = "/ws/chat",
        tls: TLS? = nil,
        handshakeTimeout: Duration = .seconds(10),
        closeTimeout: Duration = .seconds(5),
        maximumMessageLength: Int = WebSocketClientConfiguration.defaultMaximumMessageLength,
        maximumBufferedMessages: Int = 8
    ) {
        self.host = host
        self.port = port
        self.path = path
        self.tls = tls
        self.handshakeTimeout = handshakeTimeout
        self.closeTimeout = closeTimeout
        self.maximumMessageLength = maximumMessageLength
        self.maximumBufferedMessages = maximumBufferedMessages
    }
}
