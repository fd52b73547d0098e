import Synchronization
import Testing
import WABinary
import WAGateCrypto

@testable import WAWeb

/// The server end of one test connection: does the responder side of the Noise handshake with
/// `TestNoiseResponder` and a `TestCertificateAuthority` chain, then sends and receives nodes.
final class TestWAServerPeer {
    let connection: WebSocketConnection
    private var inbound: WebSocketInboundMessages.AsyncIterator
    private var frames = FrameCodec()
    // The server never sends the connection header.
    private var outboundFrames = FrameCodec(header: [])
    private var sendCipher: NoiseCipherState?
    private var receiveCipher: NoiseCipherState?

    init(connection: WebSocketConnection) {
        self.connection = connection
        self.inbound = connection.messages.makeAsyncIterator()
    }

    /// Runs the handshake; returns the client's payload, or nil if the client hung up first.
    func handshake(ca: TestCertificateAuthority) async throws -> [UInt8]? {
        guard var first = try await inbound.next() else { return nil }
        #expect(Array(first.prefix(4)) == FrameCodec.connectionHeader)
        first.removeFirst(4)
        frames.append(first)
        var responder = try TestNoiseResponder()
        guard let hello = try await nextFrame() else { return nil }
        try responder.readClientHello(hello)
        try await connection.send(outboundFrames.encode(responder.writeServerHello(certificate: { try ca.chain(serverStatic: $0) })))
        guard let finish = try await nextFrame() else { return nil }
        let result = try responder.readClientFinish(finish)
        receiveCipher = NoiseCipherState(key: result.c2s)
        sendCipher = NoiseCipherState(key: result.s2c)
        return result.payload
    }

    /// Sends `plaintext` as one encrypted frame (a node payload, or garbage).
    func sendPlaintext(_ plaintext: [UInt8]) async throws {
        try await connection.send(outboundFrames.encode(sendCipher!.encrypt(plaintext)))
    }

    /// Sends one node.
    func send(_ node: Node) async throws {
        try await sendPlaintext(BinaryEncoder().encodeFramePayload(node))
    }

    /// The next node from the client; nil once it closed.
    func receive() async throws -> Node? {
        guard let frame = try await nextFrame() else { return nil }
        return try BinaryDecoder().decodeFramePayload(receiveCipher!.decrypt(frame))
    }

    /// Reads until the client closes, so the handler does not end the connection under the test.
    func waitForClose() async throws {
        while try await receive() != nil {}
    }

    private func nextFrame() async throws -> [UInt8]? {
        while true {
            if let frame = try frames.nextFrame() { return frame }
            guard let message = try await inbound.next() else { return nil }
            frames.append(message)
        }
    }
}
