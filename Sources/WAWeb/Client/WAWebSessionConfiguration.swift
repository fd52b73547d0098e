import Foundation
import WAGateCrypto

/// Everything `WAWebSession.withSession` needs to open one authenticated connection.
public struct WAWebSessionConfiguration: Sendable {
    /// Where and how the websocket connects (URL, TLS trust, limits).
    public var webSocket: WebSocketClientConfiguration
    /// The X25519 root key the server's certificate chain must verify up to (WhatsApp's by default;
    /// a test or sandbox server signs with its own).
    public var trustedRootKey: [UInt8]
    /// The device's persistent Noise static key pair.
    public var noiseKey: Curve25519.KeyPair
    /// The serialized `ClientPayload` (registration or login) sent inside the ClientFinish.
    public var clientPayload: [UInt8]
    /// Edge-routing bytes from an earlier session, sent before the connection header; `nil` for none.
    public var routingInfo: [UInt8]?
    /// How long the server may take to answer the ClientHello (whatsmeow uses 20 s).
    public var handshakeTimeout: Duration
    /// Inbound events buffered ahead of the consumer before the socket stops being read.
    public var maximumBufferedEvents: Int
    /// The clock reading used for certificate validity, in unix seconds; a closure so tests can pin it.
    public var now: @Sendable () -> UInt64

    /// Creates a configuration.
    /// - Parameters:
    ///   - webSocket: Websocket settings (default WhatsApp Web's endpoint).
    ///   - trustedRootKey: Certificate root (default WhatsApp's).
    ///   - noiseKey: The Noise static key pair.
    ///   - clientPayload: The serialized ClientPayload.
    ///   - routingInfo: Optional edge-routing intro.
    ///   - handshakeTimeout: ServerHello budget (default 20 s).
    ///   - maximumBufferedEvents: Inbound event buffer (default 64).
    ///   - now: Unix time for certificate checks (default the system clock).
    public init(
        webSocket: WebSocketClientConfiguration = WebSocketClientConfiguration(),
        trustedRootKey: [UInt8] = ServerCertificateVerifier.whatsAppRootKey,
        noiseKey: Curve25519.KeyPair,
        clientPayload: [UInt8],
        routingInfo: [UInt8]? = nil,
        handshakeTimeout: Duration = .seconds(20),
        maximumBufferedEvents: Int = 64,
        now: @escaping @Sendable () -> UInt64 = WAWebSessionConfiguration.systemNow
    ) {
        self.webSocket = webSocket
        self.trustedRootKey = trustedRootKey
        self.noiseKey = noiseKey
        self.clientPayload = clientPayload
        self.routingInfo = routingInfo
        self.handshakeTimeout = handshakeTimeout
        self.maximumBufferedEvents = maximumBufferedEvents
        self.now = now
    }

    /// The system clock in unix seconds.
    public static let systemNow: @Sendable () -> UInt64 = {
        UInt64(max(0, Date().timeIntervalSince1970))
    }
}
