import NIOCore
import NIOPosix

/// A hand-rolled websocket client over plain TCP, to send what a well-behaved client never would
/// (fragments, text, unmasked frames) and to read the server's raw bytes. Loopback only.
struct RawWebSocketPeer {
    /// A frame as read off the wire.
    struct Frame: Equatable {
        var fin: Bool
        var opcode: UInt8
        var masked: Bool
        var payload: [UInt8]
    }

    /// RFC 6455 §1.3's sample key; the server must answer `s3pPLMBiTxaQ9kYGzzhZRbK+xOo=`.
    static let sampleKey = "dGhlIHNhbXBsZSBub25jZQ=="

    static func upgradeRequest(path: String = "/ws/chat", extraHeaders: String? = nil) -> [UInt8] {
        let headers =
            extraHeaders
            ?? "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: \(sampleKey)\r\nSec-WebSocket-Version: 13\r\n"
        return Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(headers)\r\n".utf8)
    }

    /// Encodes one frame, masked with a fixed key when `masked`.
    static func frame(opcode: UInt8, fin: Bool = true, payload: [UInt8], masked: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        let maskBit: UInt8 = masked ? 0x80 : 0
        switch payload.count {
        case ..<126:
            bytes.append(maskBit | UInt8(payload.count))
        case ..<65536:
            bytes.append(maskBit | 126)
            bytes += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default:
            bytes.append(maskBit | 127)
            bytes += (0..<8).reversed().map { UInt8(truncatingIfNeeded: payload.count >> ($0 * 8)) }
        }
        if masked {
            let key: [UInt8] = [0x12, 0x34, 0x56, 0x78]
            bytes += key
            bytes += payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
        } else {
            bytes += payload
        }
        return bytes
    }

    static func closePayload(_ code: UInt16, _ reason: String = "") -> [UInt8] {
        [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8)
    }

    /// Connects to 127.0.0.1:`port`, runs `body`, closes.
    static func withConnection<Result: Sendable>(
        port: Int,
        _ body: (inout RawWebSocketPeer) async throws -> Result
    ) async throws -> Result {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var peer = RawWebSocketPeer(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(&peer)
        }
    }

    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var buffer: [UInt8] = []
    private var isEOF = false

    private init(
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) {
        self.inbound = inbound
        self.outbound = outbound
    }

    func write(_ bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    /// Reads until the end of the HTTP response head and returns it as text (the body, if any, stays buffered).
    mutating func readResponseHead() async throws -> String {
        let terminator: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            if let end = buffer.indices.dropLast(3).first(where: { Array(buffer[$0..<$0 + 4]) == terminator }) {
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 4)
                return head
            }
            guard try await fill() else { return String(decoding: buffer, as: UTF8.self) }
        }
    }

    /// Reads one frame, or nil at end of stream.
    mutating func readFrame() async throws -> Frame? {
        while true {
            if let (frame, length) = Self.parse(buffer) {
                buffer.removeFirst(length)
                return frame
            }
            guard try await fill() else { return nil }
        }
    }

    /// Whether the server closed the TCP connection (reads until end of stream, discarding data).
    mutating func readUntilEOF() async throws {
        buffer.removeAll()
        while try await fill() { buffer.removeAll() }
    }

    private mutating func fill() async throws -> Bool {
        guard !isEOF, let chunk = try await inbound.next() else {
            isEOF = true
            return false
        }
        buffer += chunk.readableBytesView
        return true
    }

    private static func parse(_ bytes: [UInt8]) -> (Frame, Int)? {
        guard bytes.count >= 2 else { return nil }
        let masked = bytes[1] & 0x80 != 0
        var length = Int(bytes[1] & 0x7F)
        var offset = 2
        if length == 126 {
            guard bytes.count >= 4 else { return nil }
            length = Int(bytes[2]) << 8 | Int(bytes[3])
            offset = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return nil }
            length = bytes[2..<10].reduce(0) { $0 << 8 | Int($1) }
            offset = 10
        }
        var key: [UInt8] = []
        if masked {
            guard bytes.count >= offset + 4 else { return nil }
            key = Array(bytes[offset..<offset + 4])
            offset += 4
        }
        guard bytes.count >= offset + length else { return nil }
        var payload = Array(bytes[offset..<offset + length])
        if masked { payload = payload.enumerated().map { $0.element ^ key[$0.offset % 4] } }
        return (
            Frame(fin: bytes[0] & 0x80 != 0, opcode: bytes[0] & 0x0F, masked: masked, payload: payload), offset + length
        )
    }
}
