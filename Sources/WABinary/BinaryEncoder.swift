/// Encodes ``Node`` values into WhatsApp's binary XML (protocol reference §3).
///
/// Writes into one `[UInt8]` whose capacity is reserved from a size estimate, so a typical stanza
/// costs a single allocation. Strings are written in the first form that applies (§3.4): single-byte
/// token, double-byte token, NIBBLE_8, HEX_8, else raw UTF-8 with a BINARY_8/20/32 prefix (the empty
/// string is `FC 00`). Attributes are written in their stored order.
///
/// ```swift
/// let payload = try BinaryEncoder().encodeFramePayload(node) // 0x00 flags byte ‖ node
/// ```
public struct BinaryEncoder: Sendable {
    /// The deepest nesting written (the root node is depth 1). Matches the decoder so that whatever
    /// is encoded can be decoded.
    public var maximumDepth: Int

    /// Creates an encoder.
    /// - Parameter maximumDepth: The deepest nesting allowed; defaults to the decoder's default.
    public init(maximumDepth: Int = BinaryDecoder.defaultMaximumDepth) {
        self.maximumDepth = maximumDepth
    }

    /// Encodes one node (without the frame's flags byte).
    /// - Parameter node: The node.
    /// - Returns: The encoded node.
    /// - Throws: ``BinaryEncodingError`` if the node has no wire form (empty tag, oversized lists,
    ///   a JID device that does not fit, nesting beyond ``maximumDepth``).
    public func encode(_ node: Node) throws(BinaryEncodingError) -> [UInt8] {
        var bytes: [UInt8] = []
        try encode(node, into: &bytes)
        return bytes
    }

    /// Encodes a frame payload: the flags byte 0 (uncompressed; senders never compress) then the node.
    /// - Parameter node: The node.
    /// - Returns: The payload to encrypt and frame.
    /// - Throws: ``BinaryEncodingError`` as ``encode(_:)``.
    public func encodeFramePayload(_ node: Node) throws(BinaryEncodingError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 + Self.estimatedSize(of: node, depth: 1, maximumDepth: maximumDepth))
        bytes.append(0)
        try write(node, into: &bytes)
        return bytes
    }

    /// Appends one encoded node to `buffer` (for callers that put a header in front).
    ///
    /// On error, `buffer` is left as it was.
    /// - Parameters:
    ///   - node: The node.
    ///   - buffer: The buffer to append to.
    /// - Throws: ``BinaryEncodingError`` as ``encode(_:)``.
    public func encode(_ node: Node, into buffer: inout [UInt8]) throws(BinaryEncodingError) {
        let needed = buffer.count + Self.estimatedSize(of: node, depth: 1, maximumDepth: maximumDepth)
        // Grow geometrically: reserving exactly would reallocate on every call when appending many nodes.
        if buffer.capacity < needed { buffer.reserveCapacity(max(needed, 2 * buffer.capacity)) }
        try write(node, into: &buffer)
    }

    /// Appends `node` to `buffer` (whose capacity is already reserved), leaving it as it was on error.
    private func write(_ node: Node, into buffer: inout [UInt8]) throws(BinaryEncodingError) {
        let start = buffer.count
        // Swapped, not copied, so that the writer holds the only reference and appends never copy.
        var writer = Writer(bytes: [], maximumDepth: maximumDepth)
        swap(&writer.bytes, &buffer)
        defer { swap(&writer.bytes, &buffer) }
        do {
            try writer.writeNode(node, depth: 1)
        } catch {
            writer.bytes.removeSubrange(start...)
            throw error
        }
    }

    /// An upper bound for typical nodes (packed strings and tokens come out smaller); exact for bytes.
    static func estimatedSize(of node: Node, depth: Int, maximumDepth: Int) -> Int {
        guard depth <= maximumDepth else { return 0 }
        var size = 3 + node.tag.utf8.count + 5
        for (key, value) in node.attributes {
            size += key.utf8.count + 5
            switch value {
            case .string(let string): size += string.utf8.count + 5
            case .jid(let jid): size += jid.user.utf8.count + jid.server.rawValue.utf8.count + 12
            }
        }
        switch node.content {
        case nil: break
        case .nodes(let nodes):
            size += 3
            for child in nodes { size += estimatedSize(of: child, depth: depth + 1, maximumDepth: maximumDepth) }
        case .bytes(let bytes): size += bytes.count + 5
        case .string(let string): size += string.utf8.count + 5
        case .jid(let jid): size += jid.user.utf8.count + jid.server.rawValue.utf8.count + 12
        }
        return size
    }
}

// MARK: - Writer

extension BinaryEncoder {
    /// The mutable state of one encoding: the output and the depth limit.
    struct Writer {
        var bytes: [UInt8]
        let maximumDepth: Int

        mutating func writeNode(_ node: Node, depth: Int) throws(BinaryEncodingError) {
            guard depth <= maximumDepth else {
                throw BinaryEncodingError(code: .nestingTooDeep, detail: "depth \(depth) > \(maximumDepth) at <\(node.tag)>")
            }
            guard !node.tag.isEmpty else {
                throw BinaryEncodingError(code: .emptyTag, detail: "a node needs a tag")
            }
            // N = 1 (tag) + 2 per attribute + 1 if there is content (§3.3); LIST_16 caps it at 65535.
            try writeListHeader(1 + 2 * node.attributes.count + (node.content == nil ? 0 : 1))
            try writeString(node.tag)
            for (key, value) in node.attributes {
                try writeString(key)
                switch value {
                case .string(let string): try writeString(string)
                case .jid(let jid): try writeJID(jid)
                }
            }
            switch node.content {
            case nil:
                break
            case .nodes(let children):
                try writeListHeader(children.count)
                for child in children { try writeNode(child, depth: depth + 1) }
            case .bytes(let content):
                try writeBinaryHeader(content.count)
                bytes.append(contentsOf: content)
            case .string(let string):
                try writeString(string)
            case .jid(let jid):
                try writeJID(jid)
            }
        }

        mutating func writeListHeader(_ count: Int) throws(BinaryEncodingError) {
            if count == 0 {
                bytes.append(WireTag.listEmpty)
            } else if count < 256 {
                bytes.append(WireTag.list8)
                bytes.append(UInt8(count))
            } else if count <= Int(UInt16.max) {
                bytes.append(WireTag.list16)
                bytes.append(UInt8(truncatingIfNeeded: count >> 8))
                bytes.append(UInt8(truncatingIfNeeded: count))
            } else {
                throw BinaryEncodingError(code: .tooManyItems, detail: "a list of \(count) items (LIST_16 holds 65535)")
            }
        }

        /// BINARY_8 below 256, BINARY_20 below 2^20, else BINARY_32 (§3.3, smallest that fits).
        mutating func writeBinaryHeader(_ count: Int) throws(BinaryEncodingError) {
            guard UInt64(count) <= UInt64(UInt32.max) else {
                throw BinaryEncodingError(code: .tooLong, detail: "\(count) bytes (BINARY_32 holds 2^32 - 1)")
            }
            appendBinaryHeader(count)
        }

        /// The header of ``writeBinaryHeader(_:)`` for a count already checked to fit.
        mutating func appendBinaryHeader(_ count: Int) {
            if count < 256 {
                bytes.append(WireTag.binary8)
                bytes.append(UInt8(count))
            } else if count < 1 << 20 {
                bytes.append(WireTag.binary20)
                bytes.append(UInt8(truncatingIfNeeded: count >> 16))
                bytes.append(UInt8(truncatingIfNeeded: count >> 8))
                bytes.append(UInt8(truncatingIfNeeded: count))
            } else {
                bytes.append(WireTag.binary32)
                bytes.append(UInt8(truncatingIfNeeded: count >> 24))
                bytes.append(UInt8(truncatingIfNeeded: count >> 16))
                bytes.append(UInt8(truncatingIfNeeded: count >> 8))
                bytes.append(UInt8(truncatingIfNeeded: count))
            }
        }

        /// Writes a string in the first form that applies (§3.4).
        mutating func writeString(_ string: String) throws(BinaryEncodingError) {
            let count = string.utf8.count
            // Checked here because the UTF-8 closure below cannot throw a typed error.
            guard UInt64(count) <= UInt64(UInt32.max) else {
                throw BinaryEncodingError(code: .tooLong, detail: "a string of \(count) bytes (BINARY_32 holds 2^32 - 1)")
            }
            var string = string
            // `withUTF8` on a native string hands out its storage without copying.
            string.withUTF8 { writeString(utf8: $0) }
        }

        mutating func writeString(utf8: UnsafeBufferPointer<UInt8>) {
            if let code = Tokens.index.code(for: utf8) {
                if code < 256 {
                    bytes.append(UInt8(code))
                } else {
                    bytes.append(UInt8(truncatingIfNeeded: code >> 8))
                    bytes.append(UInt8(truncatingIfNeeded: code))
                }
                return
            }
            if utf8.count >= 1, utf8.count <= WireTag.packedMax, writePackedIfPossible(utf8) { return }
            appendBinaryHeader(utf8.count)
            bytes.append(contentsOf: utf8)
        }

        /// Writes `utf8` as NIBBLE_8 or HEX_8 if every character qualifies; returns whether it did.
        mutating func writePackedIfPossible(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
            var nibble = true
            var hex = true
            for byte in utf8 {
                if byte &- UInt8(ascii: "0") < 10 { continue }
                if byte != UInt8(ascii: "-"), byte != UInt8(ascii: ".") { nibble = false }
                if byte &- UInt8(ascii: "A") >= 6 { hex = false }
                if !nibble, !hex { return false }
            }
            if nibble {
                writePacked(utf8, tag: WireTag.nibble8, code: PackedString.nibbleCode)
            } else {
                writePacked(utf8, tag: WireTag.hex8, code: PackedString.hexCode)
            }
            return true
        }

        /// `tag ‖ L ‖ ⌈n/2⌉ bytes`, L having bit 7 set for odd lengths, whose last low nibble is 0xF (§3.5).
        mutating func writePacked(_ utf8: UnsafeBufferPointer<UInt8>, tag: UInt8, code: (UInt8) -> UInt8) {
            let count = utf8.count
            let odd = count & 1 == 1
            bytes.append(tag)
            bytes.append(UInt8((count + 1) / 2) | (odd ? 0x80 : 0))
            var index = 0
            while index + 1 < count {
                bytes.append(code(utf8[index]) << 4 | code(utf8[index + 1]))
                index += 2
            }
            if odd { bytes.append(code(utf8[count - 1]) << 4 | 0x0F) }
        }

        /// Writes a JID in the form its server calls for (§3.6).
        mutating func writeJID(_ jid: JID) throws(BinaryEncodingError) {
            guard !jid.server.rawValue.isEmpty else {
                throw BinaryEncodingError(code: .unencodableJID, detail: "a JID without server")
            }
            switch jid.server {
            case .defaultUser, .lid, .hosted, .hostedLID:
                guard jid.integrator == 0 else { throw Self.unencodable(jid, "an integrator outside interop") }
                let alwaysAD = jid.server == .hosted || jid.server == .hostedLID
                guard alwaysAD || jid.device != 0 || jid.agent != 0 else { return try writeJIDPair(jid) }
                let domain: UInt8
                if jid.server == .defaultUser {
                    // An agent equal to a known domain byte would decode as another server.
                    guard JID.Domain.server(for: jid.agent) == nil || jid.agent == 0 else {
                        throw Self.unencodable(jid, "an agent equal to a domain byte")
                    }
                    domain = jid.agent
                } else {
                    guard jid.agent == 0 else { throw Self.unencodable(jid, "an agent outside s.whatsapp.net") }
                    domain = jid.domain
                }
                guard jid.device <= UInt16(UInt8.max) else { throw Self.unencodable(jid, "a device above 255") }
                bytes.append(WireTag.adJID)
                bytes.append(domain)
                bytes.append(UInt8(jid.device))
                try writeString(jid.user)
            case .messenger:
                guard jid.agent == 0, jid.integrator == 0 else { throw Self.unencodable(jid, "an agent or integrator") }
                bytes.append(WireTag.fbJID)
                try writeString(jid.user)
                appendUInt16(jid.device)
                try writeString(jid.server.rawValue)
            case .interop:
                guard jid.agent == 0 else { throw Self.unencodable(jid, "an agent on interop") }
                bytes.append(WireTag.interopJID)
                try writeString(jid.user)
                appendUInt16(jid.device)
                appendUInt16(jid.integrator)
                try writeString(jid.server.rawValue)
            default:
                guard jid.device == 0, jid.agent == 0, jid.integrator == 0 else {
                    throw Self.unencodable(jid, "a device, agent or integrator on a server without device form")
                }
                try writeJIDPair(jid)
            }
        }

        /// `FA ‖ user (or 00 when empty) ‖ server`.
        mutating func writeJIDPair(_ jid: JID) throws(BinaryEncodingError) {
            bytes.append(WireTag.jidPair)
            if jid.user.isEmpty {
                bytes.append(WireTag.listEmpty)
            } else {
                try writeString(jid.user)
            }
            try writeString(jid.server.rawValue)
        }

        mutating func appendUInt16(_ value: UInt16) {
            bytes.append(UInt8(truncatingIfNeeded: value >> 8))
            bytes.append(UInt8(truncatingIfNeeded: value))
        }

        static func unencodable(_ jid: JID, _ reason: String) -> BinaryEncodingError {
            BinaryEncodingError(code: .unencodableJID, detail: "\(jid.server) JID with \(reason)")
        }
    }
}
