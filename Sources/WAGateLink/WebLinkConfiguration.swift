import WAWeb

/// How every WhatsApp Web account of a gateway connects: the server, the key its certificates must
/// chain to, and the timing of reconnects, QR rotation and keepalive.
///
/// One value for the whole process: the server URL and root key are the operator's choice
/// (`--wa-url`, `--wa-root-key`), never per account, so a gateway cannot mix real and sandbox servers.
public struct WebLinkConfiguration: Sendable {
    /// The websocket endpoint and its TLS trust (default WhatsApp's).
    public var webSocket: WebSocketClientConfiguration
    /// The X25519 root key the server's certificate chain must verify up to (default WhatsApp's).
    public var trustedRootKey: [UInt8]
    /// Backoff between connection attempts.
    public var reconnect: ReconnectConfiguration
    /// QR code lifetimes and the number of rounds before pairing gives up.
    public var qrRotation: QRRotationConfiguration
    /// Ping timing after login.
    public var keepalive: KeepaliveConfiguration
    /// How the gateway presents itself (version, OS name on the phone's Linked Devices list).
    public var identity: ClientIdentity
    /// How long the server may take to answer a login with `<success>` or `<failure>`.
    public var loginTimeout: Duration
    /// The Noise handshake budget.
    public var handshakeTimeout: Duration

    /// Creates a configuration; every default is the real service's.
    public init(
        webSocket: WebSocketClientConfiguration = WebSocketClientConfiguration(),
        trustedRootKey: [UInt8] = ServerCertificateVerifier.whatsAppRootKey,
        reconnect: ReconnectConfiguration = ReconnectConfiguration(),
        qrRotation: QRRotationConfiguration = QRRotationConfiguration(),
        keepalive: KeepaliveConfiguration = KeepaliveConfiguration(),
        identity: ClientIdentity = ClientIdentity(),
        loginTimeout: Duration = .seconds(20),
        handshakeTimeout: Duration = .seconds(20)
    ) {
        self.webSocket = webSocket
        self.trustedRootKey = trustedRootKey
        self.reconnect = reconnect
        self.qrRotation = qrRotation
        self.keepalive = keepalive
        self.identity = identity
        self.loginTimeout = loginTimeout
        self.handshakeTimeout = handshakeTimeout
    }
}
