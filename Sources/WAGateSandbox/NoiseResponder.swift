import WAGateCrypto
import WAWeb

/// The server side of WhatsApp's Noise handshake (`Noise_XX_25519_AESGCM_SHA256`, prologue `WA 06 03`,
/// protocol notes §1.4–1.5), as a pure state machine for the sandbox server: it takes received frame
/// payloads and returns payloads to send. Framing and sockets belong to the caller.
///
/// ```
/// -> e               receiveClientHello():  MixHash(re)
/// <- e, ee, s, es    (same call)            MixHash(e.pub); MixKey(DH(e, re)); EncryptAndHash(s.pub);
///                                           MixKey(DH(s, re)); EncryptAndHash(certChain)
/// -> s, se           receiveClientFinish(): rs = DecryptAndHash; MixKey(DH(e, rs));
///                                           ClientPayload = DecryptAndHash; Split
/// ```
///
/// ```swift
/// var responder = try NoiseResponder(staticKey: serverStatic, certificateChain: chain)
/// let serverHello = try responder.receiveClientHello(clientHelloFrame)
/// let result = try responder.receiveClientFinish(clientFinishFrame)
/// var transport = result.transport   // sender: server → client
/// ```
public struct NoiseResponder: Sendable {
    /// What a completed handshake yields.
    public struct Result: Sendable {
        /// The client's 32-byte Noise static public key (its device identity for pairing / login).
        public var clientStaticKey: [UInt8]
        /// The decrypted, serialized `ClientPayload`.
        public var clientPayload: [UInt8]
        /// The transport for the server: `sender` encrypts server → client, `receiver` decrypts client → server.
        public var transport: NoiseTransport
        /// The final handshake hash `h`, equal to the client's.
        public var handshakeHash: [UInt8]
    }

    private enum State {
        case awaitingClientHello(SandboxSymmetricState)
        case awaitingClientFinish(SandboxSymmetricState)
        case finished
        case failed
    }

    private var state: State
    private let staticKey: Curve25519.KeyPair
    private let ephemeralKey: Curve25519.KeyPair
    private let certificateChain: [UInt8]

    /// Prepares the responder for one connection.
    /// - Parameters:
    ///   - staticKey: the server's Noise static key pair, the one `certificateChain` certifies.
    ///   - certificateChain: a serialized `CertChain` (see `SandboxCertificateAuthority.issueChain`).
    ///   - prologue: the connection header the client sent (`FrameCodec.connectionHeader`).
    ///   - ephemeralKey: this connection's ephemeral key; `nil` generates one.
    /// - Throws: `NoiseError.cryptoFailure` when no key can be generated.
    public init(
        staticKey: Curve25519.KeyPair, certificateChain: [UInt8], prologue: [UInt8] = FrameCodec.connectionHeader,
        ephemeralKey: Curve25519.KeyPair? = nil
    ) throws {
        self.staticKey = staticKey
        self.certificateChain = certificateChain
        self.ephemeralKey = try Self.step("preparing the Noise responder") { try ephemeralKey ?? Curve25519.KeyPair.generate() }
        self.state = .awaitingClientHello(
            try Self.step("preparing the Noise responder") {
                try SandboxSymmetricState(protocolName: NoiseHandshakeStateMachine.protocolName, prologue: prologue)
            })
    }

    /// Messages 1 and 2: reads the ClientHello and returns the ServerHello to send.
    /// - Parameter message: the payload of the client's first frame (a serialized `HandshakeMessage`).
    /// - Returns: the serialized `HandshakeMessage{serverHello}`.
    /// - Throws: `NoiseError.malformedMessage` for a missing or mis-sized ephemeral key; `.invalidState`
    ///   unless this is the first call. After any error the responder is dead: drop the connection.
    public mutating func receiveClientHello(_ message: [UInt8]) throws -> [UInt8] {
        guard case .awaitingClientHello(var symmetric) = state else {
            throw NoiseError(.invalidState, "not waiting for a ClientHello")
        }
        state = .failed
        guard let clientEphemeral = try HandshakeMessage(serializedBytes: message).clientHello?.ephemeral,
            clientEphemeral.count == Curve25519.keyCount
        else { throw NoiseError(.malformedMessage, "clientHello.ephemeral is missing or not \(Curve25519.keyCount) bytes") }

        // -> e (the empty payload is not hashed: WhatsApp's variant, see SandboxSymmetricState)
        symmetric.mixHash(clientEphemeral)
        // <- e, ee, s, es
        symmetric.mixHash(ephemeralKey.publicKey)
        try symmetric.mixKey(Self.dh(ephemeralKey, clientEphemeral, "ee"))
        let encryptedStatic = try Self.step("encrypting the server static key") { try symmetric.encryptAndHash(staticKey.publicKey) }
        try symmetric.mixKey(Self.dh(staticKey, clientEphemeral, "es"))
        let payload = try Self.step("encrypting the certificate chain") { try symmetric.encryptAndHash(certificateChain) }

        state = .awaitingClientFinish(symmetric)
        return HandshakeMessage(serverHello: .init(ephemeral: ephemeralKey.publicKey, encryptedStatic: encryptedStatic, payload: payload))
            .serializedBytes()
    }

    /// Message 3: reads the ClientFinish and completes the handshake.
    /// - Parameter message: the payload of the client's second frame.
    /// - Returns: the client's static key, its payload and the server's transport.
    /// - Throws: `NoiseError.malformedMessage` for a message without its parts; `.decryptFailed` when they
    ///   do not authenticate; `.invalidState` when not awaiting a ClientFinish.
    public mutating func receiveClientFinish(_ message: [UInt8]) throws -> Result {
        guard case .awaitingClientFinish(var symmetric) = state else {
            throw NoiseError(.invalidState, "not waiting for a ClientFinish (receiveClientHello first, and only once)")
        }
        state = .failed
        guard let finish = try HandshakeMessage(serializedBytes: message).clientFinish,
            let encryptedStatic = finish.encryptedStatic, let encryptedPayload = finish.payload
        else { throw NoiseError(.malformedMessage, "the client's handshake message lacks clientFinish.static or .payload") }
        // Checked up front so a short field reads as malformed rather than as a failure inside AES-GCM.
        guard encryptedStatic.count == Curve25519.keyCount + AESGCM.tagCount, encryptedPayload.count >= AESGCM.tagCount else {
            throw NoiseError(
                .malformedMessage,
                "clientFinish.static is \(encryptedStatic.count) bytes (want \(Curve25519.keyCount + AESGCM.tagCount)) or its payload is shorter than a tag")
        }

        let clientStatic = try Self.step("decrypting the client's static key") { try symmetric.decryptAndHash(encryptedStatic) }
        guard clientStatic.count == Curve25519.keyCount else {
            throw NoiseError(.malformedMessage, "the client's static key is \(clientStatic.count) bytes, not \(Curve25519.keyCount)")
        }
        try symmetric.mixKey(Self.dh(ephemeralKey, clientStatic, "se"))
        let payload = try Self.step("decrypting the client payload") { try symmetric.decryptAndHash(encryptedPayload) }
        let (clientToServer, serverToClient) = try Self.step("splitting transport keys") { try symmetric.split() }

        state = .finished
        return Result(
            clientStaticKey: clientStatic, clientPayload: payload,
            transport: NoiseTransport(sender: serverToClient, receiver: clientToServer), handshakeHash: symmetric.handshakeHash)
    }

    private static func dh(_ mine: Curve25519.KeyPair, _ theirs: [UInt8], _ label: String) throws -> SecretBytes {
        try step("Noise DH \(label)") { try Curve25519.sharedSecret(privateKey: mine.privateKey, publicKey: theirs) }
    }

    /// Runs `body`, mapping primitive errors to `NoiseError` (WAWeb's mapping initializer is internal):
    /// failed authentication becomes `.decryptFailed`, anything else `.cryptoFailure`.
    private static func step<R>(_ action: String, _ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let noise as NoiseError {
            throw NoiseError(noise.code, "\(action): \(noise.message)")
        } catch let crypto as CryptoError where crypto.code == .authenticationFailed {
            throw NoiseError(.decryptFailed, "\(action): \(crypto.message)")
        } catch {
            throw NoiseError(.cryptoFailure, "\(action): \(error)")
        }
    }
}
