import Testing
import WAGateCrypto

@testable import WAWeb

/// The handshake state machine against the Swift test responder: the happy path, WhatsApp's hashing
/// quirk, every certificate check, and misuse.
@Suite struct NoiseHandshakeStateMachineTests {
    let ca: TestCertificateAuthority
    let noiseKey: Curve25519.KeyPair
    static let now: UInt64 = 1_500

    init() throws {
        ca = try TestCertificateAuthority()
        noiseKey = try Curve25519.KeyPair.generate()
    }

    func machine(root: [UInt8]? = nil) throws -> NoiseHandshakeStateMachine {
        try NoiseHandshakeStateMachine(
            noiseKey: noiseKey, configuration: .init(certificateVerifier: ServerCertificateVerifier(trustedRootKey: root ?? ca.root.publicKey)))
    }

    /// Runs a handshake up to the ServerHello; returns the machine, the responder and the ServerHello bytes.
    func serverHello(
        _ options: TestCertificateAuthority.Options = .init(), tamperStatic: Bool = false, root: [UInt8]? = nil
    ) throws -> (NoiseHandshakeStateMachine, TestNoiseResponder, [UInt8]) {
        var client = try machine(root: root)
        var server = try TestNoiseResponder()
        try server.readClientHello(client.start())
        let hello = try server.writeServerHello(certificate: { try ca.chain(serverStatic: $0, options) }, tamperStatic: tamperStatic)
        return (client, server, hello)
    }

    func expectFailure(_ code: NoiseError.Code, _ text: String, _ options: TestCertificateAuthority.Options = .init(), now: UInt64 = now) throws {
        var (client, _, hello) = try serverHello(options)
        let error = #expect(throws: NoiseError.self) { try client.receiveServerHello(hello, clientPayload: [1], now: now) }
        #expect(error?.code == code)
        #expect(error?.message.contains(text) == true, "\(String(describing: error))")
        // A failed handshake stays failed.
        #expect(throws: NoiseError.self) { try client.receiveServerHello(hello, clientPayload: [1], now: now) }
    }

    @Test func completesAndSplitsIntoIndependentTransportCiphers() throws {
        var (client, server, hello) = try serverHello()
        let payload = Array("client payload".utf8)
        let finish = try client.receiveServerHello(hello, clientPayload: payload, now: Self.now)
        let (clientStatic, receivedPayload, c2s, s2c) = try server.readClientFinish(finish.clientFinish)
        #expect(clientStatic == noiseKey.publicKey)
        #expect(receivedPayload == payload)
        #expect(finish.serverStaticKey == server.staticKey.publicKey)
        #expect(finish.handshakeHash == server.h)
        #expect(finish.certificate.leaf.key == server.staticKey.publicKey)
        #expect(finish.certificate.intermediate.serial == 42)

        var transport = finish.transport
        for i in 0..<3 {
            let out = try transport.encrypt(Array("up \(i)".utf8))
            #expect(try AESGCM.open(out, key: c2s, nonce: TestNoiseResponder.nonce(UInt32(i))) == Array("up \(i)".utf8))
        }
        let down = try AESGCM.seal(Array("down".utf8), key: s2c, nonce: TestNoiseResponder.nonce(0))
        #expect(try transport.decrypt(down) == Array("down".utf8))
        #expect(transport.sender.counter == 3)
        #expect(transport.receiver.counter == 1)
        // A frame replayed with the next counter does not decrypt, and the counter still advances.
        let error = #expect(throws: NoiseError.self) { try transport.decrypt(down) }
        #expect(error?.code == .decryptFailed)
        #expect(transport.receiver.counter == 2)
    }

    @Test func clientHelloCarriesTheEphemeralAndDoesNotHashTheEmptyPayload() throws {
        var client = try machine()
        let prologueHash = SHA256.hash(Array("Noise_XX_25519_AESGCM_SHA256".utf8) + [0, 0, 0, 0] + [0x57, 0x41, 0x06, 0x03])
        #expect(client.handshakeHash == prologueHash)
        let hello = try client.start()
        #expect(hello == [0x12, 0x22, 0x0a, 0x20] + client.ephemeralPublicKey)
        let afterEphemeral = SHA256.hash(prologueHash + client.ephemeralPublicKey)
        #expect(client.handshakeHash == afterEphemeral)
        #expect(client.handshakeHash != SHA256.hash(afterEphemeral))  // what textbook Noise would do
    }

    @Test func nonceIsEightZeroBytesThenBigEndianCounter() {
        #expect(NoiseCipherState.nonce(0) == [UInt8](repeating: 0, count: 12))
        #expect(NoiseCipherState.nonce(0x0102_0304) == [0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4])
    }

    @Test func rejectsAnUntrustedRoot() throws {
        var (client, _, hello) = try serverHello(root: try Curve25519.KeyPair.generate().publicKey)
        let error = #expect(throws: NoiseError.self) { try client.receiveServerHello(hello, clientPayload: [], now: Self.now) }
        #expect(error?.code == .untrustedCertificate)
        #expect(error?.message.contains("server certificate is not trusted") == true)
    }

    @Test func rejectsALeafNotSignedByTheIntermediate() throws {
        var options = TestCertificateAuthority.Options()
        options.signLeafWithRoot = true
        try expectFailure(.untrustedCertificate, "not trusted", options)
    }

    @Test func rejectsMismatchedSerials() throws {
        var options = TestCertificateAuthority.Options()
        options.intermediateIssuerSerial = 1
        try expectFailure(.invalidCertificate, "issuer serial 1", options)
        options = .init()
        options.leafIssuerSerial = 41
        try expectFailure(.invalidCertificate, "issuer serial 41", options)
    }

    @Test func rejectsALeafForAnotherKey() throws {
        var options = TestCertificateAuthority.Options()
        options.leafKey = try Curve25519.KeyPair.generate().publicKey
        try expectFailure(.invalidCertificate, "static key", options)
    }

    @Test func enforcesValidityWindows() throws {
        try expectFailure(.invalidCertificate, "intermediate certificate expired", now: 2_001)
        try expectFailure(.invalidCertificate, "intermediate certificate is not valid yet", now: 999)
        var options = TestCertificateAuthority.Options()
        options.leafValidity = 1_600...2_000
        try expectFailure(.invalidCertificate, "leaf certificate is not valid yet", options)
        options.leafValidity = 1_000...1_400
        try expectFailure(.invalidCertificate, "leaf certificate expired", options)
        // The window is inclusive at both ends, like whatsmeow's.
        var (client, _, hello) = try serverHello()
        _ = try client.receiveServerHello(hello, clientPayload: [], now: 2_000)
    }

    @Test func rejectsMalformedSignatures() throws {
        var options = TestCertificateAuthority.Options()
        options.truncateSignature = true
        try expectFailure(.malformedMessage, "63 bytes", options)
    }

    @Test func rejectsATamperedStaticKey() throws {
        var (client, _, hello) = try serverHello(tamperStatic: true)
        let error = #expect(throws: NoiseError.self) { try client.receiveServerHello(hello, clientPayload: [], now: Self.now) }
        #expect(error?.code == .decryptFailed)
        #expect(error?.message.contains("server's static key") == true)
    }

    @Test func rejectsMalformedServerHellos() throws {
        var (client, _, _) = try serverHello()
        let missing = HandshakeMessage(serverHello: .init(ephemeral: [UInt8](repeating: 9, count: 31), encryptedStatic: [1], payload: [2]))
        let error = #expect(throws: NoiseError.self) {
            try client.receiveServerHello(missing.serializedBytes(), clientPayload: [], now: Self.now)
        }
        #expect(error?.code == .malformedMessage)

        var (client2, _, _) = try serverHello()
        #expect(throws: NoiseError.self) { try client2.receiveServerHello([0x1a, 0x05, 0x0a], clientPayload: [], now: Self.now) }

        // A small-order ephemeral would make DH all zeros: rejected, not mixed in.
        var (client3, _, _) = try serverHello()
        let smallOrder = HandshakeMessage(serverHello: .init(ephemeral: [UInt8](repeating: 0, count: 32), encryptedStatic: [1], payload: [2]))
        let dhError = #expect(throws: NoiseError.self) {
            try client3.receiveServerHello(smallOrder.serializedBytes(), clientPayload: [], now: Self.now)
        }
        #expect(dhError?.code == .cryptoFailure)
    }

    @Test func refusesCallsOutOfOrder() throws {
        var client = try machine()
        #expect(throws: NoiseError.self) { try client.receiveServerHello([], clientPayload: [], now: Self.now) }
        var fresh = try machine()
        _ = try fresh.start()
        let error = #expect(throws: NoiseError.self) { try fresh.start() }
        #expect(error?.code == .invalidState)
    }
}
