import Foundation
import Testing
import WAGateCrypto
import WAWeb

/// Our Noise client state machine and frame codec against an independent responder: dissononce +
/// consonance with WhatsApp's patch, Google protobuf for the messages and libsignal's curve25519 code
/// for the certificate signatures (`Interop/noise_responder.py`). These never skip: without
/// `WAGATE_PYTHON` they fail and say how to run them.
@Suite struct NoiseInteropTests {
    static let script = "noise_responder.py"

    /// One connection to the Python responder: the byte stream goes through our `FrameCodec`.
    struct Connection {
        let peer: PythonPeer
        var codec = FrameCodec()

        /// Frames and sends several payloads in one write (the responder then sees them merged).
        mutating func send(_ payloads: [[UInt8]]) throws {
            var bytes: [UInt8] = []
            for payload in payloads { bytes += try codec.encode(payload) }
            try peer.write(bytes)
        }

        /// The next frame, reassembled from whatever pieces the pipe delivers.
        mutating func receive() async throws -> [UInt8] {
            while true {
                if let frame = try codec.nextFrame() { return frame }
                let chunk = await peer.read()
                guard !chunk.isEmpty else {
                    throw PythonPeer.Failure(description: "the responder closed its output; its stderr:\n\(peer.stderr)")
                }
                codec.append(chunk)
            }
        }
    }

    static var now: UInt64 { UInt64(Date().timeIntervalSince1970) }

    @Test func handshakeAndTransportFramesInteroperateWithDissononce() async throws {
        let root = try Curve25519.KeyPair.generate()
        let noiseKey = try Curve25519.KeyPair.generate()
        let peer = try PythonPeer(script: Self.script, arguments: ["--root-private", Hex.string(root.privateKey.copyBytes())])
        var connection = Connection(peer: peer)
        let configuration = NoiseHandshakeStateMachine.Configuration(
            certificateVerifier: ServerCertificateVerifier(trustedRootKey: root.publicKey))
        var handshake = try NoiseHandshakeStateMachine(noiseKey: noiseKey, configuration: configuration)
        let clientPayload = Array("ClientPayload bytes \u{1F600}".utf8) + (0..<300).map { UInt8($0 % 251) }

        try connection.send([handshake.start()])
        let serverHello = try await connection.receive()
        let finish = try handshake.receiveServerHello(serverHello, clientPayload: clientPayload, now: Self.now)
        #expect(finish.certificate.intermediate.serial == 7)
        #expect(finish.certificate.leaf.issuerSerial == 7)
        #expect(finish.certificate.leaf.key == finish.serverStaticKey)
        try connection.send([finish.clientFinish])

        // The responder's first transport frame reports what it derived from our messages.
        var transport = finish.transport
        let reportBytes = try transport.decrypt(await connection.receive())
        let report = try #require(try JSONSerialization.jsonObject(with: Data(reportBytes)) as? [String: String])
        #expect(report["client_static"] == Hex.string(noiseKey.publicKey))
        #expect(report["client_payload"] == Hex.string(clientPayload))
        #expect(report["server_static"] == Hex.string(finish.serverStaticKey))
        #expect(report["handshake_hash"] == Hex.string(finish.handshakeHash))

        // Both directions, several frames merged into one write each way; counters stay in step.
        for round in 0..<3 {
            let messages = (0..<4).map { Array("round \(round) frame \($0)".utf8) + [UInt8](repeating: UInt8(round), count: $0 * 1000) }
            try connection.send(try messages.map { try transport.encrypt($0) } + [transport.encrypt(Array("flush".utf8))])
            for message in messages {
                #expect(try transport.decrypt(await connection.receive()) == Array("echo:".utf8) + message)
            }
        }
        #expect(transport.sender.counter == 3 * 5)
        #expect(transport.receiver.counter == 1 + 3 * 4)

        try connection.send([transport.encrypt(Array("bye".utf8))])
        let status = await peer.finish()
        #expect(status == 0, "responder stderr:\n\(peer.stderr)")
    }

    @Test func serverCertificateSignedByAnotherRootIsNotTrusted() async throws {
        let root = try Curve25519.KeyPair.generate()
        let otherRoot = try Curve25519.KeyPair.generate()
        let peer = try PythonPeer(script: Self.script, arguments: ["--root-private", Hex.string(root.privateKey.copyBytes())])
        var connection = Connection(peer: peer)
        var handshake = try NoiseHandshakeStateMachine(
            noiseKey: Curve25519.KeyPair.generate(),
            configuration: .init(certificateVerifier: ServerCertificateVerifier(trustedRootKey: otherRoot.publicKey)))

        try connection.send([handshake.start()])
        let serverHello = try await connection.receive()
        let error = #expect(throws: NoiseError.self) {
            try handshake.receiveServerHello(serverHello, clientPayload: [1], now: Self.now)
        }
        #expect(error?.code == .untrustedCertificate)
        #expect(error?.message.contains("server certificate is not trusted") == true, "\(String(describing: error))")

        // We hang up; the responder sees the connection close before any ClientFinish.
        let status = await peer.finish()
        #expect(status == 3, "responder stderr:\n\(peer.stderr)")
        #expect(peer.stderr.contains("client closed the connection"))
    }

    @Test func productionRootKeyRejectsATestServer() async throws {
        let root = try Curve25519.KeyPair.generate()
        let peer = try PythonPeer(script: Self.script, arguments: ["--root-private", Hex.string(root.privateKey.copyBytes())])
        var connection = Connection(peer: peer)
        var handshake = try NoiseHandshakeStateMachine(noiseKey: Curve25519.KeyPair.generate())  // default: WhatsApp's root
        try connection.send([handshake.start()])
        let serverHello = try await connection.receive()
        let error = #expect(throws: NoiseError.self) { try handshake.receiveServerHello(serverHello, clientPayload: [], now: Self.now) }
        #expect(error?.code == .untrustedCertificate)
        _ = await peer.finish()
    }
}
