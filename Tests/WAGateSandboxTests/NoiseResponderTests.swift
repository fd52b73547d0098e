import Testing
import WAGateCrypto
import WAGateSandbox
import WAWeb

/// The production client (`NoiseHandshakeStateMachine`) against the sandbox responder and CA.
@Suite struct NoiseResponderTests {
    static let now: UInt64 = 1_700_000_000

    /// A server static key, the CA and a responder using a chain for that key.
    struct Server {
        let authority: SandboxCertificateAuthority
        let staticKey: Curve25519.KeyPair
        var responder: NoiseResponder

        init(authority: SandboxCertificateAuthority? = nil) throws {
            self.authority = try authority ?? SandboxCertificateAuthority()
            staticKey = try Curve25519.KeyPair.generate()
            let chain = try self.authority.issueChain(serverStaticKey: staticKey.publicKey, validity: 3_600, now: NoiseResponderTests.now)
            responder = try NoiseResponder(staticKey: staticKey, certificateChain: chain)
        }
    }

    static func client(trusting root: [UInt8], noiseKey: Curve25519.KeyPair) throws -> NoiseHandshakeStateMachine {
        try NoiseHandshakeStateMachine(
            noiseKey: noiseKey, configuration: .init(certificateVerifier: ServerCertificateVerifier(trustedRootKey: root)))
    }

    @Test func handshakeCompletesAndTransportWorksBothWays() throws {
        var server = try Server()
        let noiseKey = try Curve25519.KeyPair.generate()
        var client = try Self.client(trusting: server.authority.rootPublicKey, noiseKey: noiseKey)

        let serverHello = try server.responder.receiveClientHello(try client.start())
        let payload: [UInt8] = Array("client payload".utf8)
        let finish = try client.receiveServerHello(serverHello, clientPayload: payload, now: Self.now)
        let result = try server.responder.receiveClientFinish(finish.clientFinish)

        #expect(result.clientStaticKey == noiseKey.publicKey)
        #expect(result.clientPayload == payload)
        #expect(result.handshakeHash == finish.handshakeHash)
        #expect(finish.serverStaticKey == server.staticKey.publicKey)
        #expect(finish.certificate.leaf.issuerSerial == finish.certificate.intermediate.serial)

        var clientTransport = finish.transport
        var serverTransport = result.transport
        for i in 0..<3 {
            let up: [UInt8] = [1, 2, 3, UInt8(i)]
            #expect(try serverTransport.decrypt(try clientTransport.encrypt(up)) == up)
            let down: [UInt8] = Array("node \(i)".utf8)
            #expect(try clientTransport.decrypt(try serverTransport.encrypt(down)) == down)
        }
    }

    @Test func clientRejectsChainFromAnotherRoot() throws {
        var server = try Server()
        let otherRoot = try SandboxCertificateAuthority().rootPublicKey
        var client = try Self.client(trusting: otherRoot, noiseKey: try Curve25519.KeyPair.generate())
        let serverHello = try server.responder.receiveClientHello(try client.start())
        let error = try #require(throws: NoiseError.self) {
            _ = try client.receiveServerHello(serverHello, clientPayload: [], now: Self.now)
        }
        #expect(error.code == .untrustedCertificate)
        #expect(error.message.contains("not trusted"))
    }

    @Test func clientRejectsProductionRootForSandboxChain() throws {
        var server = try Server()
        var client = try NoiseHandshakeStateMachine(noiseKey: try Curve25519.KeyPair.generate())
        let serverHello = try server.responder.receiveClientHello(try client.start())
        #expect(throws: NoiseError.self) { _ = try client.receiveServerHello(serverHello, clientPayload: [], now: Self.now) }
    }

    @Test func responderRejectsMalformedClientFinish() throws {
        var client = try Self.client(trusting: [], noiseKey: try Curve25519.KeyPair.generate())
        let hello = try client.start()
        let garbage: [[UInt8]] = [
            [0xFF, 0xFF, 0xFF],  // not protobuf
            [],  // no clientFinish
            HandshakeMessage(clientFinish: .init(encryptedStatic: [1, 2, 3], payload: [4])).serializedBytes(),  // too short
            HandshakeMessage(clientFinish: .init(encryptedStatic: [UInt8](repeating: 9, count: 48), payload: [UInt8](repeating: 1, count: 20)))
                .serializedBytes(),  // right sizes, fails to authenticate
            HandshakeMessage(clientFinish: .init(encryptedStatic: nil, payload: [4])).serializedBytes(),  // missing static
        ]
        for message in garbage {
            var server = try Server()
            _ = try server.responder.receiveClientHello(hello)
            let error = try #require(throws: NoiseError.self) { _ = try server.responder.receiveClientFinish(message) }
            #expect([NoiseError.Code.malformedMessage, .decryptFailed].contains(error.code), "\(error)")
            // The responder is dead afterwards.
            #expect(throws: NoiseError.self) { _ = try server.responder.receiveClientFinish(message) }
        }
    }

    @Test func responderRejectsClientFinishBeforeHello() throws {
        var server = try Server()
        let error = try #require(throws: NoiseError.self) { _ = try server.responder.receiveClientFinish([]) }
        #expect(error.code == .invalidState)
    }

    @Test func responderRejectsShortEphemeral() throws {
        var server = try Server()
        let message = HandshakeMessage(clientHello: .init(ephemeral: [1, 2, 3])).serializedBytes()
        let error = try #require(throws: NoiseError.self) { _ = try server.responder.receiveClientHello(message) }
        #expect(error.code == .malformedMessage)
    }
}
