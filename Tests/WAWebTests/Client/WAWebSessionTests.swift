import Synchronization
import Testing
import WABinary
import WAGateCrypto

@testable import WAWeb

/// `WAWebSession` against a local `WebSocketServer` playing WhatsApp: the Swift Noise responder, a test
/// certificate chain whose root the client is told to trust, then scripted stanzas.
@Suite(.timeLimit(.minutes(1)))
struct WAWebSessionTests {
    let ca: TestCertificateAuthority
    let noiseKey: Curve25519.KeyPair
    let payload: [UInt8] = Array("client-payload-bytes".utf8)

    init() throws {
        ca = try TestCertificateAuthority()
        noiseKey = try Curve25519.KeyPair.generate()
    }

    /// Serves one connection: handshake (recording the client's payload), then `script`; runs `client`
    /// with a configuration pointing at the server. Returns the payload the server decrypted.
    func run(
        root: [UInt8]? = nil,
        script: @escaping @Sendable (TestWAServerPeer) async throws -> Void,
        client: (WAWebSessionConfiguration) async throws -> Void
    ) async throws -> [UInt8]? {
        let box = PayloadBox()
        let ca = self.ca
        let server = WebSocketServer(configuration: .init())
        try await server.withRunning(handler: { connection, _ in
            let peer = TestWAServerPeer(connection: connection)
            guard let payload = try await peer.handshake(ca: ca) else { return }
            box.set(payload)
            try await script(peer)
        }) { port in
            try await client(
                WAWebSessionConfiguration(
                    webSocket: .init(url: "ws://127.0.0.1:\(port)/ws/chat"),
                    trustedRootKey: root ?? ca.root.publicKey,
                    noiseKey: noiseKey,
                    clientPayload: payload,
                    handshakeTimeout: .seconds(10),
                    now: { 1_500 }))  // inside the test chain's validity
        }
        return box.get()
    }

    /// Answers `<iq xmlns="ok">` with a result and any other IQ with a 404 error, until the client closes.
    static let iqServer: @Sendable (TestWAServerPeer) async throws -> Void = { peer in
        while let request = try await peer.receive() {
            guard request.tag == "iq", let id = request.attribute("id") else { continue }
            if request.attribute("xmlns") == "ok" {
                try await peer.send(Node(tag: "iq", attributes: ["id": .string(id), "type": "result", "from": "s.whatsapp.net"]))
            } else {
                try await peer.send(
                    Node(
                        tag: "iq", attributes: ["id": .string(id), "type": "error"],
                        children: [Node(tag: "error", attributes: ["code": "404", "text": "item-not-found"])]))
            }
        }
    }

    @Test func handshakeCarriesPayloadAndServerNodeArrivesDecoded() async throws {
        let seen = try await run(script: { peer in
            try await peer.send(Node(tag: "success", attributes: ["t": "1700000000", "location": "frc"]))
            try await peer.waitForClose()
        }) { configuration in
            try await WAWebSession.withSession(configuration: configuration) { session in
                var events = session.events.makeAsyncIterator()
                guard case .node(let node) = try await events.next() else {
                    Issue.record("expected a node")
                    return
                }
                #expect(node.tag == "success")
                #expect(node.attribute("t") == "1700000000")
                #expect(node.attribute("location") == "frc")
            }
        }
        #expect(seen == payload)
    }

    @Test func iqResultIsReturnedAndIQErrorIsThrown() async throws {
        _ = try await run(script: Self.iqServer) { configuration in
            try await WAWebSession.withSession(configuration: configuration) { session in
                let reply = try await session.sendIQ(Node(tag: "iq", attributes: ["xmlns": "ok", "type": "get", "to": "s.whatsapp.net"]))
                #expect(reply.attribute("type") == "result")
                #expect(reply.attribute("id")?.isEmpty == false)

                let error = await #expect(throws: IQError.self) {
                    try await session.sendIQ(Node(tag: "iq", attributes: ["xmlns": "missing", "type": "get", "to": "s.whatsapp.net"]))
                }
                #expect(error?.code == 404)
                #expect(error?.text == "item-not-found")

                // Several IQs in flight at once are each matched by id.
                try await withThrowingTaskGroup(of: String?.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            try await session.sendIQ(Node(tag: "iq", attributes: ["xmlns": "ok", "type": "get"])).attribute("id")
                        }
                    }
                    var ids = Set<String>()
                    for try await id in group { ids.insert(try #require(id)) }
                    #expect(ids.count == 8)
                }
            }
        }
    }

    @Test func unansweredIQTimesOut() async throws {
        _ = try await run(script: { peer in try await peer.waitForClose() }) { configuration in
            try await WAWebSession.withSession(configuration: configuration) { session in
                let error = await #expect(throws: WAWebSessionError.self) {
                    try await session.sendIQ(Node(tag: "iq", attributes: ["xmlns": "ok", "type": "get"]), timeout: .milliseconds(200))
                }
                #expect(error?.code == .iqTimeout)
            }
        }
    }

    @Test func garbageFrameIsAnErrorEventAndTheSessionGoesOn() async throws {
        _ = try await run(script: { peer in
            // Decrypts fine but is a truncated list: not a node.
            try await peer.sendPlaintext([0x00, 0xF8, 0x05])
            try await peer.send(Node(tag: "ib"))
            try await Self.iqServer(peer)
        }) { configuration in
            try await WAWebSession.withSession(configuration: configuration) { session in
                var events = session.events.makeAsyncIterator()
                guard case .undecodableFrame(let error) = try await events.next() else {
                    Issue.record("expected an undecodable-frame event")
                    return
                }
                #expect(error.code == .undecodableFrame)
                guard case .node(let node) = try await events.next() else {
                    Issue.record("expected a node after the garbage")
                    return
                }
                #expect(node.tag == "ib")
                let reply = try await session.sendIQ(Node(tag: "iq", attributes: ["xmlns": "ok", "type": "get"]))
                #expect(reply.attribute("type") == "result")
            }
        }
    }

    @Test func wrongTrustedRootFailsTheHandshake() async throws {
        let otherRoot = try Curve25519.KeyPair.generate().publicKey
        let seen = try await run(root: otherRoot, script: { _ in }) { configuration in
            let error = await #expect(throws: NoiseError.self) {
                try await WAWebSession.withSession(configuration: configuration) { _ in
                    Issue.record("the body must not run")
                }
            }
            #expect(error?.code == .untrustedCertificate)
            #expect(error?.message.contains("not trusted") == true)
        }
        #expect(seen == nil)
    }

    @Test func silentServerTimesOutTheHandshake() async throws {
        let server = WebSocketServer(configuration: .init())
        try await server.withRunning(handler: { connection, _ in
            for try await _ in connection.messages {}  // never answers the ClientHello
        }) { port in
            var configuration = WAWebSessionConfiguration(
                webSocket: .init(url: "ws://127.0.0.1:\(port)/ws/chat"), trustedRootKey: ca.root.publicKey,
                noiseKey: noiseKey, clientPayload: payload, handshakeTimeout: .milliseconds(200), now: { 1_500 })
            configuration.maximumBufferedEvents = 4
            let error = await #expect(throws: WAWebSessionError.self) {
                try await WAWebSession.withSession(configuration: configuration) { _ in }
            }
            #expect(error?.code == .handshakeTimeout)
        }
    }

    @Test func undecryptableFrameEndsTheSessionAndFailsPendingIQs() async throws {
        _ = try await run(script: { peer in
            // Wait for the IQ, so it is pending, then send a frame that is not encrypted with the session keys.
            _ = try await peer.receive()
            var plainFrames = FrameCodec(header: [])
            try await peer.connection.send(plainFrames.encode([UInt8](repeating: 7, count: 40)))
            try await peer.waitForClose()
        }) { configuration in
            try await WAWebSession.withSession(configuration: configuration) { session in
                let iqError = await #expect(throws: WAWebSessionError.self) {
                    try await session.sendIQ(Node(tag: "iq", attributes: ["xmlns": "ok", "type": "get"]), timeout: .seconds(30))
                }
                #expect(iqError?.code == .connectionClosed)
                let eventError = await #expect(throws: NoiseError.self) {
                    for try await _ in session.events {}
                }
                #expect(eventError?.code == .decryptFailed)
                // After the end, sending fails instead of hanging.
                await #expect(throws: WAWebSessionError.self) { try await session.send(Node(tag: "presence")) }
            }
        }
    }
}
