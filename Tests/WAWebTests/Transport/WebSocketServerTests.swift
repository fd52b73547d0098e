import NIOCore
import Testing

@testable import WAWeb

/// `WebSocketServer` against a hand-rolled client: the HTTP side of the upgrade and RFC 6455 rules a
/// well-behaved client never breaks. Loopback only.
@Suite(.timeLimit(.minutes(1)))
struct WebSocketServerTests {
    static let binary: UInt8 = 0x2, continuation: UInt8 = 0x0, text: UInt8 = 0x1
    static let close: UInt8 = 0x8, ping: UInt8 = 0x9, pong: UInt8 = 0xA

    /// Runs an echo server and one raw connection that has completed the upgrade.
    func withUpgradedPeer(maximumMessageLength: Int = 1 << 20, _ body: (inout RawWebSocketPeer) async throws -> Void)
        async throws
    {
        let server = WebSocketServer(configuration: .init(maximumMessageLength: maximumMessageLength))
        try await server.withRunning(handler: WebSocketClientTests.echo) { port in
            try await RawWebSocketPeer.withConnection(port: port) { peer in
                try await peer.write(RawWebSocketPeer.upgradeRequest())
                let head = try await peer.readResponseHead()
                #expect(head.hasPrefix("HTTP/1.1 101"))
                try await body(&peer)
            }
        }
    }

    @Test func upgradeAnswersWithTheRFCAcceptKey() async throws {
        let server = WebSocketServer(configuration: .init())
        try await server.withRunning(handler: WebSocketClientTests.echo) { port in
            try await RawWebSocketPeer.withConnection(port: port) { peer in
                try await peer.write(RawWebSocketPeer.upgradeRequest())
                let head = try await peer.readResponseHead().lowercased()
                #expect(head.hasPrefix("http/1.1 101"))
                #expect(head.contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="))
                #expect(head.contains("upgrade: websocket"))
            }
        }
    }

    @Test(
        arguments: [
            ("/other", nil, "404"),
            ("/ws/chat/extra", nil, "404"),
            ("/ws/chat", "", "426"),
            ("/ws/chat", "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n", "400"),
            (
                "/ws/chat",
                "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: \(RawWebSocketPeer.sampleKey)\r\nSec-WebSocket-Version: 8\r\n",
                "400"
            ),
        ] as [(String, String?, String)]
    )
    func requestsThatAreNotUpgradedGetAnHTTPError(path: String, headers: String?, status: String) async throws {
        let server = WebSocketServer(configuration: .init())
        try await server.withRunning(handler: WebSocketClientTests.echo) { port in
            try await RawWebSocketPeer.withConnection(port: port) { peer in
                try await peer.write(RawWebSocketPeer.upgradeRequest(path: path, extraHeaders: headers))
                let head = try await peer.readResponseHead()
                #expect(head.hasPrefix("HTTP/1.1 \(status)"), "\(head)")
                try await peer.readUntilEOF()  // and the connection is closed
            }
        }
    }

    @Test func framesSentWithTheUpgradeRequestAreNotLost() async throws {
        let server = WebSocketServer(configuration: .init())
        try await server.withRunning(handler: WebSocketClientTests.echo) { port in
            try await RawWebSocketPeer.withConnection(port: port) { peer in
                // One write: request and first frame arrive in the same read.
                try await peer.write(
                    RawWebSocketPeer.upgradeRequest() + RawWebSocketPeer.frame(opcode: Self.binary, payload: [1, 2])
                )
                #expect(try await peer.readResponseHead().hasPrefix("HTTP/1.1 101"))
                let echoed = try await peer.readFrame()
                #expect(echoed == .init(fin: true, opcode: Self.binary, masked: false, payload: [1, 2]))
            }
        }
    }

    @Test func fragmentsAndInterleavedPingsAreHandled() async throws {
        try await withUpgradedPeer { peer in
            try await peer.write(RawWebSocketPeer.frame(opcode: Self.binary, fin: false, payload: [1, 2, 3]))
            // A control frame may sit between fragments (RFC 6455 §5.4).
            try await peer.write(RawWebSocketPeer.frame(opcode: Self.ping, payload: [9, 9]))
            try await peer.write(RawWebSocketPeer.frame(opcode: Self.continuation, fin: false, payload: []))
            try await peer.write(RawWebSocketPeer.frame(opcode: Self.continuation, payload: [4, 5]))
            let pong = try await peer.readFrame()
            #expect(pong == .init(fin: true, opcode: Self.pong, masked: false, payload: [9, 9]))
            let echoed = try await peer.readFrame()
            #expect(echoed == .init(fin: true, opcode: Self.binary, masked: false, payload: [1, 2, 3, 4, 5]))
        }
    }

    @Test func closeFromTheClientIsEchoedWithItsCode() async throws {
        try await withUpgradedPeer { peer in
            try await peer.write(
                RawWebSocketPeer.frame(opcode: Self.close, payload: RawWebSocketPeer.closePayload(4000, "done"))
            )
            let reply = try await peer.readFrame()
            #expect(
                reply
                    == .init(fin: true, opcode: Self.close, masked: false, payload: RawWebSocketPeer.closePayload(4000))
            )
            try await peer.readUntilEOF()
        }
    }

    @Test(
        arguments: [
            ("text message", RawWebSocketPeer.frame(opcode: 0x1, payload: Array("hi".utf8)), UInt16(1003)),
            ("unmasked frame", RawWebSocketPeer.frame(opcode: 0x2, payload: [1], masked: false), UInt16(1002)),
            ("continuation without a start", RawWebSocketPeer.frame(opcode: 0x0, payload: [1]), UInt16(1002)),
            ("reserved bit", [0xC2, 0x80, 0, 0, 0, 0], UInt16(1002)),
            ("unknown opcode", RawWebSocketPeer.frame(opcode: 0x3, payload: []), UInt16(1002)),
            ("one-byte close body", RawWebSocketPeer.frame(opcode: 0x8, payload: [3]), UInt16(1002)),
            ("fragmented ping", RawWebSocketPeer.frame(opcode: 0x9, fin: false, payload: []), UInt16(1002)),
            (
                "oversized single frame",
                RawWebSocketPeer.frame(opcode: 0x2, payload: [UInt8](repeating: 0, count: 2000)), UInt16(1009)
            ),
            (
                "oversized fragmented message",
                RawWebSocketPeer.frame(opcode: 0x2, fin: false, payload: [UInt8](repeating: 0, count: 600))
                    + RawWebSocketPeer.frame(opcode: 0x0, payload: [UInt8](repeating: 0, count: 600)),
                UInt16(1009)
            ),
        ] as [(String, [UInt8], UInt16)]
    )
    func protocolBreachesCloseWithTheRightCode(breach: String, bytes: [UInt8], code: UInt16) async throws {
        try await withUpgradedPeer(maximumMessageLength: 1024) { peer in
            try await peer.write(bytes)
            let reply = try await peer.readFrame()
            #expect(reply?.opcode == Self.close, "\(breach)")
            #expect(reply.map { Array($0.payload.prefix(2)) } == [UInt8(code >> 8), UInt8(code & 0xFF)], "\(breach)")
            try await peer.readUntilEOF()
        }
    }
}
