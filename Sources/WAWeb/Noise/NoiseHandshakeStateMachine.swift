import WAGateCrypto

/// The client side of WhatsApp's Noise handshake, `Noise_XX_25519_AESGCM_SHA256` with prologue
/// `WA 06 03` (protocol notes §1.4), as a pure state machine: it takes received frame payloads and
/// returns the payloads to send. Framing, sockets and the 20-second ServerHello timeout belong to the shell.
///
/// XX message pattern and what each step does here:
/// ```
/// -> e               start():               MixHash(e.pub); empty payload, not hashed (WhatsApp)
/// <- e, ee, s, es    receiveServerHello():  MixHash(re); MixKey(DH(e, re)); rs = DecryptAndHash;
///                                           MixKey(DH(e, rs)); certChain = DecryptAndHash; verify it
/// -> s, se           (same call)            EncryptAndHash(s.pub); MixKey(DH(s, re));
///                                           EncryptAndHash(ClientPayload); Split
/// ```
///
/// ```swift
/// var handshake = try NoiseHandshakeStateMachine(noiseKey: storedNoiseKey)
/// try socket.send(codec.encode(handshake.start()))
/// let finish = try handshake.receiveServerHello(serverHelloFrame, clientPayload: payload, now: unixNow)
/// try socket.send(codec.encode(finish.clientFinish))
/// var transport = finish.transport
/// ```
public struct NoiseHandshakeStateMachine: Sendable {
    /// The Noise protocol name; 28 bytes, so it is zero-padded to 32 rather than hashed.
    public static let protocolName = "Noise_XX_25519_AESGCM_SHA256"

    /// Handshake settings.
    public struct Configuration: Sendable {
        /// The Noise prologue: the 4-byte connection header (`WA 06 03`). Even when an edge-routing
        /// intro precedes the header on the wire, the prologue is only these 4 bytes.
        public var prologue: [UInt8]
        /// Checks the server's certificate chain against the trusted root key.
        public var certificateVerifier: ServerCertificateVerifier

        /// Creates a configuration; the defaults are production WhatsApp's.
        public init(
            prologue: [UInt8] = FrameCodec.connectionHeader,
            certificateVerifier: ServerCertificateVerifier = ServerCertificateVerifier()
        ) {
            self.prologue = prologue
            self.certificateVerifier = certificateVerifier
        }
    }

    /// What the shell does once the ServerHello checks out: send `clientFinish`, then use `transport`.
    public struct FinishAction: Sendable {
        /// The serialized ClientFinish `HandshakeMessage`: the payload of the third frame.
        public var clientFinish: [UInt8]
        /// The cipher states for every later frame.
        public var transport: NoiseTransport
        /// The server's static key, certified by `certificate.leaf`.
        public var serverStaticKey: [UInt8]
        /// The verified server certificate chain.
        public var certificate: ServerCertificateVerifier.VerifiedChain
        /// The final handshake hash `h`: a public transcript hash, equal on both ends (usable for channel binding).
        public var handshakeHash: [UInt8]
    }

    private enum State {
        case initial(NoiseSymmetricState)
        case awaitingServerHello(NoiseSymmetricState)
        case finished
        case failed
    }

    private var state: State
    private let noiseKey: Curve25519.KeyPair
    private let ephemeralKey: Curve25519.KeyPair
    private let configuration: Configuration

    /// Prepares a handshake for one connection.
    /// - Parameters:
    ///   - noiseKey: the device's persistent Noise static key pair (the one in the QR code).
    ///   - configuration: prologue and certificate trust.
    ///   - ephemeralKey: this connection's ephemeral key pair; `nil` generates a fresh one (tests pass fixed keys).
    /// - Throws: `NoiseError.cryptoFailure` when no key can be generated.
    public init(noiseKey: Curve25519.KeyPair, configuration: Configuration = Configuration(), ephemeralKey: Curve25519.KeyPair? = nil) throws {
        self.noiseKey = noiseKey
        self.configuration = configuration
        do {
            self.ephemeralKey = try ephemeralKey ?? Curve25519.KeyPair.generate()
            self.state = .initial(try NoiseSymmetricState(protocolName: Self.protocolName, prologue: configuration.prologue))
        } catch {
            throw NoiseError(error, while: "preparing the Noise handshake")
        }
    }

    /// This connection's ephemeral public key (sent in the ClientHello).
    public var ephemeralPublicKey: [UInt8] { ephemeralKey.publicKey }

    /// The current handshake hash `h` (for tests and channel binding; public transcript data).
    var handshakeHash: [UInt8]? {
        switch state {
        case .initial(let s), .awaitingServerHello(let s): s.handshakeHash
        case .finished, .failed: nil
        }
    }

    /// Message 1 (`-> e`): the ClientHello.
    /// - Returns: the serialized `HandshakeMessage{clientHello{ephemeral}}`: the first frame's payload
    ///   (the frame codec prefixes the connection header).
    /// - Throws: `NoiseError.invalidState` unless this is the first call.
    public mutating func start() throws -> [UInt8] {
        guard case .initial(var symmetric) = state else { throw NoiseError(.invalidState, "the Noise handshake was already started") }
        state = .failed
        symmetric.mixHash(ephemeralKey.publicKey)
        // The message has no payload; without a key EncryptAndHash returns it as is and, WhatsApp's
        // deviation, does not hash it (see NoiseSymmetricState).
        _ = try symmetric.encryptAndHash([])
        state = .awaitingServerHello(symmetric)
        return HandshakeMessage(clientHello: .init(ephemeral: ephemeralKey.publicKey)).serializedBytes()
    }

    /// Messages 2 and 3: processes the ServerHello, verifies the server certificate and builds the
    /// ClientFinish carrying `clientPayload`.
    /// - Parameters:
    ///   - message: the payload of the server's first frame (a serialized `HandshakeMessage`).
    ///   - clientPayload: the serialized `ClientPayload` (§2) to send encrypted.
    ///   - now: the current time in unix seconds, for certificate validity.
    /// - Returns: the ClientFinish to send and the transport cipher states.
    /// - Throws: `NoiseError` — `.malformedMessage` for a missing or mis-sized field, `.decryptFailed` when
    ///   the server's static key or certificate does not decrypt, `.untrustedCertificate` /
    ///   `.invalidCertificate` from certificate verification, `.invalidState` when not awaiting a ServerHello.
    ///   After any error the handshake is dead: reconnect with a new state machine.
    public mutating func receiveServerHello(_ message: [UInt8], clientPayload: [UInt8], now: UInt64) throws -> FinishAction {
        guard case .awaitingServerHello(var symmetric) = state else {
            throw NoiseError(.invalidState, "not waiting for a ServerHello (start() first, and only once)")
        }
        state = .failed

        guard let hello = try HandshakeMessage(serializedBytes: message).serverHello else {
            throw NoiseError(.malformedMessage, "the server's handshake message has no serverHello")
        }
        guard let serverEphemeral = hello.ephemeral, serverEphemeral.count == Curve25519.keyCount else {
            throw NoiseError(.malformedMessage, "serverHello.ephemeral is missing or not \(Curve25519.keyCount) bytes")
        }
        guard let encryptedStatic = hello.encryptedStatic, let encryptedCertificate = hello.payload else {
            throw NoiseError(.malformedMessage, "serverHello lacks its static key or certificate payload")
        }

        // <- e, ee, s, es
        symmetric.mixHash(serverEphemeral)
        try symmetric.mixKey(dh(ephemeralKey, serverEphemeral, "ee"))
        let serverStatic = try step("decrypting the server's static key") { try symmetric.decryptAndHash(encryptedStatic) }
        guard serverStatic.count == Curve25519.keyCount else {
            throw NoiseError(.malformedMessage, "the server's static key is \(serverStatic.count) bytes, not \(Curve25519.keyCount)")
        }
        try symmetric.mixKey(dh(ephemeralKey, serverStatic, "es"))
        let certificateChain = try step("decrypting the server certificate") { try symmetric.decryptAndHash(encryptedCertificate) }
        let certificate = try configuration.certificateVerifier.verify(certificateChain, serverStaticKey: serverStatic, now: now)

        // -> s, se
        let encryptedNoiseKey = try step("encrypting the client's static key") { try symmetric.encryptAndHash(noiseKey.publicKey) }
        try symmetric.mixKey(dh(noiseKey, serverEphemeral, "se"))
        let encryptedPayload = try step("encrypting the client payload") { try symmetric.encryptAndHash(clientPayload) }
        let (send, receive) = try symmetric.split()

        state = .finished
        let finish = HandshakeMessage(clientFinish: .init(encryptedStatic: encryptedNoiseKey, payload: encryptedPayload))
        return FinishAction(
            clientFinish: finish.serializedBytes(),
            transport: NoiseTransport(sender: send, receiver: receive),
            serverStaticKey: serverStatic,
            certificate: certificate,
            handshakeHash: symmetric.handshakeHash)
    }

    private func dh(_ mine: Curve25519.KeyPair, _ theirs: [UInt8], _ label: String) throws -> SecretBytes {
        do {
            return try Curve25519.sharedSecret(privateKey: mine.privateKey, publicKey: theirs)
        } catch {
            throw NoiseError(error, while: "Noise DH \(label)")
        }
    }

    private func step<R>(_ action: String, _ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch {
            throw NoiseError(error, while: action)
        }
    }
}
