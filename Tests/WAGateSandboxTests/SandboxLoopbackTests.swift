import Synchronization
import Testing
import WABinary
import WAGateCrypto
import WAGateSandbox
import WAWeb

/// End to end over loopback: a `WAWebSession` connects to a `WebSocketServer` whose handler runs
/// `NoiseResponder` with a `SandboxCertificateAuthority` chain, then sends one node each way.
@Suite(.timeLimit(.minutes(1)))
struct SandboxLoopbackTests {
    static let now: UInt64 = 1_700_000_000

    @Test func sessionHandshakesWithSandboxResponder() async throws {
        let authority = try SandboxCertificateAuthority()
        let serverStatic = try Curve25519.KeyPair.generate()
        let chain = try authority.issueChain(serverStaticKey: serverStatic.publicKey, validity: 3_600, now: Self.now)
        let payload: [UInt8] = Array("sandbox-client-payload".utf8)
        let seenPayload = Mutex<[UInt8]?>(nil)
        let seenNode = Mutex<String?>(nil)

        let server = WebSocketServer(configuration: .init())
        try await server.withRunning(handler: { connection, _ in
            var inbound = connection.messages.makeAsyncIterator()
            var frames = FrameCodec()
            var outbound = FrameCodec(header: [])  // the server never sends the connection header
            guard var first = try await inbound.next() else { return }
            #expect(Array(first.prefix(4)) == FrameCodec.connectionHeader)
            first.removeFirst(4)
            frames.append(first)
            func nextFrame() async throws -> [UInt8]? {
                while true {
                    if let frame = try frames.nextFrame() { return frame }
                    guard let message = try await inbound.next() else { return nil }
                    frames.append(message)
                }
            }
            var responder = try NoiseResponder(staticKey: serverStatic, certificateChain: chain)
            guard let hello = try await nextFrame() else { return }
            try await connection.send(outbound.encode(responder.receiveClientHello(hello)))
            guard let finish = try await nextFrame() else { return }
            let result = try responder.receiveClientFinish(finish)
            seenPayload.withLock { $0 = result.clientPayload }
            var transport = result.transport
            let success = Node(tag: "success", attributes: ["t": "1700000000"])
            try await connection.send(outbound.encode(transport.encrypt(BinaryEncoder().encodeFramePayload(success))))
            while let frame = try await nextFrame() {
                let node = try BinaryDecoder().decodeFramePayload(transport.decrypt(frame))
                seenNode.withLock { $0 = node.tag }
            }
        }) { port in
            let configuration = WAWebSessionConfiguration(
                webSocket: .init(url: "ws://127.0.0.1:\(port)/ws/chat"),
                trustedRootKey: authority.rootPublicKey,
                noiseKey: try Curve25519.KeyPair.generate(),
                clientPayload: payload,
                handshakeTimeout: .seconds(10),
                now: { SandboxLoopbackTests.now })
            try await WAWebSession.withSession(configuration: configuration) { session in
                var events = session.events.makeAsyncIterator()
                guard case .node(let node) = try await events.next() else {
                    Issue.record("expected a node")
                    return
                }
                #expect(node.tag == "success")
                try await session.send(Node(tag: "presence", attributes: ["type": "available"]))
            }
        }
        #expect(seenPayload.withLock { $0 } == payload)
        #expect(seenNode.withLock { $0 } == "presence")
    }
}
