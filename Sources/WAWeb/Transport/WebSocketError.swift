/// An error of the websocket transport: configuration, connecting, the upgrade, or the connection itself.
///
/// Every error but `invalidURL`, `insecureTransport` and `tlsConfiguration` ends the connection; the caller
/// reconnects (or not) according to its own policy. Messages never contain payload bytes.
public struct WebSocketError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable {
            case invalidURL, insecureTransport, tlsConfiguration, connectTimeout, connectionFailed
            case upgradeRejected, messageTooLarge, unexpectedTextMessage, protocolViolation, connectionClosed
        }
        let base: Base
        init(_ base: Base) { self.base = base }

        /// The URL is not a valid `ws://` or `wss://` URL.
        public static let invalidURL = Code(.invalidURL)
        /// Plain `ws://` to a host that is not a loopback address; refused before any network I/O.
        public static let insecureTransport = Code(.insecureTransport)
        /// The trust roots, certificate or key could not be loaded.
        public static let tlsConfiguration = Code(.tlsConfiguration)
        /// TCP connect, TLS handshake and HTTP upgrade did not finish within the connect timeout.
        public static let connectTimeout = Code(.connectTimeout)
        /// The TCP connection or the TLS handshake failed; see `underlying`.
        public static let connectionFailed = Code(.connectionFailed)
        /// The server answered the upgrade request with something other than a valid `101`; see `httpStatus`.
        public static let upgradeRejected = Code(.upgradeRejected)
        /// An inbound message exceeded the configured maximum; the connection was closed with 1009.
        public static let messageTooLarge = Code(.messageTooLarge)
        /// The peer sent a text message; WhatsApp speaks binary only, so the connection was closed with 1003.
        public static let unexpectedTextMessage = Code(.unexpectedTextMessage)
        /// The peer broke RFC 6455 (bad fragmentation, masking, reserved bits, close payload); closed with 1002.
        public static let protocolViolation = Code(.protocolViolation)
        /// The connection is closed (or closing): nothing more can be sent.
        public static let connectionClosed = Code(.connectionClosed)

        /// The code's stable name, e.g. `upgradeRejected`.
        public var description: String { base.rawValue }
    }

    /// The error's code.
    public var code: Code
    /// A human-readable explanation.
    public var message: String
    /// The HTTP status of a rejected upgrade (`upgradeRejected` only).
    public var httpStatus: Int?
    /// The error of the layer underneath (socket, TLS), when there is one.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, httpStatus: Int? = nil, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.underlying = underlying
    }

    /// The code and message, plus the underlying error when there is one.
    public var description: String {
        var text = "websocket \(code): \(message)"
        if let underlying { text += " (\(underlying))" }
        return text
    }

    /// Wraps an error from NIO or NIOSSL, passing `WebSocketError`s through unchanged.
    init(wrapping error: any Error, _ code: Code, _ message: String) {
        if let error = error as? WebSocketError {
            self = error
        } else {
            self.init(code, message, underlying: error)
        }
    }
}
