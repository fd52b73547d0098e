/// Settings of a `WebSocketClient`: where to connect, what to send in the upgrade request, and limits.
///
/// The defaults connect to WhatsApp Web as protocol notes §1.1 describe. The URL is a plain field so that a
/// sandbox server (`ws://127.0.0.1:PORT/ws/chat`) can take its place.
public struct WebSocketClientConfiguration: Sendable {
    /// WhatsApp Web's websocket endpoint.
    public static let whatsAppURL = "wss://web.whatsapp.com/ws/chat"
    /// The `Origin` WhatsApp requires.
    public static let whatsAppOrigin = "https://web.whatsapp.com"
    /// A desktop Chrome user agent, matching the `Origin` we claim.
    public static let defaultUserAgent =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
    /// Largest inbound message by default: 16 MiB, whatsmeow's read limit (protocol notes §1.2).
    public static let defaultMaximumMessageLength = 16 << 20

    /// The `ws://` or `wss://` URL; plain `ws://` is accepted only for loopback hosts.
    public var url: String
    /// The `Origin` header.
    public var origin: String
    /// The `User-Agent` header; `nil` sends none.
    public var userAgent: String?
    /// Further request headers, sent after the others (whatsmeow sends `Cache-Control` and `Pragma: no-cache`).
    public var additionalHeaders: [(name: String, value: String)]
    /// Trust settings for `wss://` (ignored for `ws://`).
    public var tls: TLS
    /// Budget for TCP connect, TLS handshake and HTTP upgrade together.
    public var connectTimeout: Duration
    /// How long a close handshake may take before the TCP connection is dropped anyway.
    public var closeTimeout: Duration
    /// Largest inbound message, after reassembling fragments; a larger one closes the connection with 1009.
    public var maximumMessageLength: Int
    /// Complete inbound messages buffered ahead of the consumer before the socket stops being read.
    public var maximumBufferedMessages: Int

    /// Creates a configuration.
    /// - Parameters:
    ///   - url: The endpoint (default `wss://web.whatsapp.com/ws/chat`).
    ///   - origin: The `Origin` header (default `https://web.whatsapp.com`).
    ///   - userAgent: The `User-Agent` header (default a desktop Chrome string).
    ///   - additionalHeaders: Extra headers (default `Cache-Control: no-cache`, `Pragma: no-cache`).
    ///   - tls: Trust settings (default the system's roots).
    ///   - connectTimeout: Connect + TLS + upgrade budget (default 20 s).
    ///   - closeTimeout: Close handshake budget (default 5 s).
    ///   - maximumMessageLength: Inbound message limit (default 16 MiB).
    ///   - maximumBufferedMessages: Inbound messages buffered ahead of the reader (default 8).
    public init(
        url: String = WebSocketClientConfiguration.whatsAppURL,
        origin: String = WebSocketClientConfiguration.whatsAppOrigin,
        userAgent: String? = WebSocketClientConfiguration.defaultUserAgent,
        additionalHeaders: [(name: String, value: String)] = [("Cache-Control", "no-cache"), ("Pragma", "no-cache")],
        tls: TLS = .systemTrustRoots,
        connectTimeout: Duration = .seconds(20),
        closeTimeout: Duration = .seconds(5),
        maximumMessageLength: Int = WebSocketClientConfiguration.defaultMaximumMessageLength,
        maximumBufferedMessages: Int = 8
    ) {
        self.url = url
        self.origin = origin
        self.userAgent = userAgent
        self.additionalHeaders = additionalHeaders
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.closeTimeout = closeTimeout
        self.maximumMessageLength = maximumMessageLength
        self.maximumBufferedMessages = maximumBufferedMessages
    }
}
