/// WhatsApp's frame layer over the websocket (protocol notes §1.2), as a pure codec.
///
/// Every frame is `3-byte big-endian length ‖ payload`. The client's very first frame on a connection is
/// preceded, once, by the connection header `57 41 06 03` ("WA", magic 6, dictionary version 3), itself
/// optionally preceded by Baileys' edge-routing intro. Incoming frames never carry a header.
///
/// Websocket messages are not frames: one message may hold several frames or part of one, and even the
/// length prefix may be split. `append(_:)` takes bytes as they arrive and `nextFrame()` yields complete
/// frames in order.
///
/// ```swift
/// var codec = FrameCodec()
/// try ws.send(codec.encode(clientHello))           // header + frame
/// codec.append(websocketMessage)
/// while let frame = try codec.nextFrame() { handle(frame) }
/// ```
public struct FrameCodec: Sendable {
    /// The connection header and Noise prologue: "WA", magic 6, dictionary version 3.
    public static let connectionHeader: [UInt8] = [0x57, 0x41, 0x06, 0x03]
    /// The largest payload a 3-byte length can describe: 2^24 − 1 bytes.
    public static let maximumFrameCount = (1 << 24) - 1
    /// Bytes of the length prefix.
    public static let lengthCount = 3

    /// What `encode(_:)` puts before the first frame.
    public let introduction: [UInt8]
    /// The largest payload accepted in either direction.
    public let maximumFrameLength: Int

    private var introductionSent = false
    private var buffer: [UInt8] = []
    /// Start of the unconsumed bytes in `buffer`; consumed bytes are dropped in batches, not per frame.
    private var readIndex = 0

    /// Creates a codec for one connection.
    /// - Parameters:
    ///   - header: the connection header (`connectionHeader`).
    ///   - routingInfo: edge-routing bytes from an earlier session (Baileys' optional
    ///     `ED 00 01 ‖ BE24(length) ‖ routingInfo` intro before the header); `nil` for none, as whatsmeow does.
    ///   - maximumFrameLength: payload limit, at most `maximumFrameCount` (the default).
    public init(header: [UInt8] = FrameCodec.connectionHeader, routingInfo: [UInt8]? = nil, maximumFrameLength: Int = FrameCodec.maximumFrameCount) {
        var intro: [UInt8] = []
        if let routingInfo {
            intro = [0x45, 0x44, 0x00, 0x01] + Self.lengthPrefix(routingInfo.count) + routingInfo
        }
        self.introduction = intro + header
        self.maximumFrameLength = min(max(maximumFrameLength, 0), Self.maximumFrameCount)
    }

    // MARK: Sending

    /// Frames one outgoing payload; the first call also emits the introduction.
    /// - Parameter payload: a handshake message or an encrypted transport payload.
    /// - Returns: the bytes to send in one websocket message.
    /// - Throws: `NoiseError.frameTooLarge` when the payload exceeds `maximumFrameLength`.
    public mutating func encode(_ payload: some Collection<UInt8>) throws -> [UInt8] {
        let count = payload.count
        guard count <= maximumFrameLength else {
            throw NoiseError(.frameTooLarge, "outgoing frame of \(count) bytes exceeds the \(maximumFrameLength)-byte limit")
        }
        var out: [UInt8] = []
        out.reserveCapacity((introductionSent ? 0 : introduction.count) + Self.lengthCount + count)
        if !introductionSent {
            out += introduction
            introductionSent = true
        }
        out += Self.lengthPrefix(count)
        out += payload
        return out
    }

    // MARK: Receiving

    /// Adds received bytes (one websocket message, or any part of the stream).
    public mutating func append(_ bytes: some Collection<UInt8>) {
        buffer += bytes
    }

    /// The next complete frame's payload, or nil until more bytes arrive.
    /// - Throws: `NoiseError.frameTooLarge` when a length prefix exceeds `maximumFrameLength`; the stream
    ///   cannot be resynchronised after that, so the connection must close.
    public mutating func nextFrame() throws -> [UInt8]? {
        let available = buffer.count - readIndex
        guard available >= Self.lengthCount else { return nil }
        let length = Int(buffer[readIndex]) << 16 | Int(buffer[readIndex + 1]) << 8 | Int(buffer[readIndex + 2])
        guard length <= maximumFrameLength else {
            throw NoiseError(.frameTooLarge, "incoming frame of \(length) bytes exceeds the \(maximumFrameLength)-byte limit")
        }
        guard available >= Self.lengthCount + length else { return nil }
        let start = readIndex + Self.lengthCount
        let frame = Array(buffer[start..<start + length])
        readIndex = start + length
        compact()
        return frame
    }

    /// Appends `bytes` and returns every frame now complete.
    public mutating func decode(_ bytes: some Collection<UInt8>) throws -> [[UInt8]] {
        append(bytes)
        var frames: [[UInt8]] = []
        while let frame = try nextFrame() { frames.append(frame) }
        return frames
    }

    /// Bytes received but not yet returned as a frame.
    public var bufferedCount: Int { buffer.count - readIndex }

    private mutating func compact() {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.count <= 1 << 16)
            readIndex = 0
        } else if readIndex >= 1 << 16 && readIndex * 2 >= buffer.count {
            // Drop the consumed prefix once it dominates, so the copy is amortised over many frames.
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
    }

    private static func lengthPrefix(_ count: Int) -> [UInt8] {
        [UInt8(truncatingIfNeeded: count >> 16), UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)]
    }
}
