/// Decodes WhatsApp's binary XML (protocol reference §3) into ``Node`` values.
///
/// Malformed input ends in a ``BinaryDecodingError`` carrying the offset and what was expected, never
/// in a trap: every length and list size read from the input is checked against the bytes that remain
/// before anything is allocated, nesting is bounded by ``maximumDepth``, and compressed frames inflate
/// to at most ``maximumDecompressedSize`` bytes.
///
/// What comes out where (§3.3): tags and attribute keys are strings; attribute values are strings or
/// JIDs (an attribute whose value is LIST_EMPTY is dropped); content is child nodes (LIST_EMPTY gives an
/// empty list), bytes for any BINARY_* value, a string for tokens and packed strings, or a JID.
///
/// ```swift
/// let node = try BinaryDecoder().decodeFramePayload(decryptedFrame)
/// ```
public struct BinaryDecoder: Sendable {
    /// The default nesting limit; real stanzas stay far below it.
    public static let defaultMaximumDepth = 64
    /// The default limit for an inflated frame (frames themselves are at most 16 MiB).
    public static let defaultMaximumDecompressedSize = 32 << 20

    /// True when the module was built with zlib and can inflate frames with flag 0x02.
    public static var supportsCompressedFrames: Bool { Zlib.isAvailable }

    /// The deepest nesting accepted (the root node is depth 1).
    public var maximumDepth: Int
    /// The largest inflated size accepted for a compressed frame.
    public var maximumDecompressedSize: Int

    /// Creates a decoder.
    /// - Parameters:
    ///   - maximumDepth: The deepest nesting accepted.
    ///   - maximumDecompressedSize: The largest inflated size of a compressed frame.
    public init(
        maximumDepth: Int = BinaryDecoder.defaultMaximumDepth,
        maximumDecompressedSize: Int = BinaryDecoder.defaultMaximumDecompressedSize
    ) {
        self.maximumDepth = maximumDepth
        self.maximumDecompressedSize = maximumDecompressedSize
    }

    // MARK: - Nodes

    /// Decodes exactly one node (no flags byte); trailing bytes are an error.
    /// - Parameter bytes: The encoded node.
    /// - Returns: The node.
    /// - Throws: ``BinaryDecodingError``.
    public func decode(_ bytes: [UInt8]) throws(BinaryDecodingError) -> Node {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(BinaryDecodingError) -> Node in try decode(raw) }
        }
        return try result.get()
    }

    /// Decodes exactly one node (no flags byte) from borrowed memory; trailing bytes are an error.
    /// - Parameter bytes: The encoded node.
    /// - Returns: The node (it copies what it keeps; `bytes` may be freed afterwards).
    /// - Throws: ``BinaryDecodingError``.
    public func decode(_ bytes: UnsafeRawBufferPointer) throws(BinaryDecodingError) -> Node {
        var reader = Reader(bytes: bytes, position: 0, maximumDepth: maximumDepth)
        return try reader.readRoot()
    }

    // MARK: - Frame payloads

    /// Decodes a decrypted frame payload: the flags byte, then one node, inflated first if flag 0x02 is set.
    ///
    /// Offsets in errors count from the start of `payload`, except inside a compressed node, where they
    /// count in the inflated bytes.
    /// - Parameter payload: The decrypted frame.
    /// - Returns: The node.
    /// - Throws: ``BinaryDecodingError``; `.compressedFramesUnsupported` for a compressed frame when
    ///   ``supportsCompressedFrames`` is false.
    public func decodeFramePayload(_ payload: [UInt8]) throws(BinaryDecodingError) -> Node {
        let result = payload.withUnsafeBytes { raw in
            Result { () throws(BinaryDecodingError) -> Node in try decodeFramePayload(raw) }
        }
        return try result.get()
    }

    /// Decodes a decrypted frame payload from borrowed memory (see the `[UInt8]` overload).
    /// - Parameter payload: The decrypted frame.
    /// - Returns: The node.
    /// - Throws: ``BinaryDecodingError``.
    public func decodeFramePayload(_ payload: UnsafeRawBufferPointer) throws(BinaryDecodingError) -> Node {
        guard let flags = payload.first else {
            throw BinaryDecodingError(code: .emptyPayload, offset: 0, expected: "a flags byte")
        }
        if flags & 0x02 == 0 {
            // Decode in place from offset 1 so that error offsets are payload offsets.
            var reader = Reader(bytes: payload, position: 1, maximumDepth: maximumDepth)
            return try reader.readRoot()
        }
        let inflated = try Zlib.inflate(UnsafeRawBufferPointer(rebasing: payload[1...]), offset: 1, limit: maximumDecompressedSize)
        return try decode(inflated)
    }
}

// MARK: - Reader

extension BinaryDecoder {
    /// A cursor over the input; every read is bounds-checked and throws instead of trapping.
    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var position: Int
        let maximumDepth: Int

        var remaining: Int { bytes.count - position }

        mutating func readRoot() throws(BinaryDecodingError) -> Node {
            let node = try readNode(depth: 1)
            guard position == bytes.count else {
                throw error(.trailingBytes, at: position, "the end of the input after the node (\(remaining) bytes left)")
            }
            return node
        }

        // MARK: Primitives

        func error(_ code: BinaryDecodingError.Code, at offset: Int, _ expected: String) -> BinaryDecodingError {
            BinaryDecodingError(code: code, offset: offset, expected: expected)
        }

        @inline(__always)
        mutating func readByte(_ expected: @autoclosure () -> String) throws(BinaryDecodingError) -> UInt8 {
            guard position < bytes.count else { throw error(.unexpectedEndOfInput, at: position, expected()) }
            let byte = bytes[position]
            position += 1
            return byte
        }

        /// A big-endian unsigned integer of `count` (≤ 4) bytes.
        mutating func readBigEndian(_ count: Int, _ expected: @autoclosure () -> String) throws(BinaryDecodingError) -> Int {
            guard count <= remaining else { throw error(.unexpectedEndOfInput, at: position, expected()) }
            var value = 0
            for index in position..<position + count { value = value << 8 | Int(bytes[index]) }
            position += count
            return value
        }

        /// Takes `count` bytes, after checking that they are there.
        mutating func readRaw(_ count: Int, lengthOffset: Int, _ what: String) throws(BinaryDecodingError) -> UnsafeRawBufferPointer {
            guard count <= remaining else {
                throw error(.lengthExceedsInput, at: lengthOffset, "\(count) bytes of \(what), but only \(remaining) remain")
            }
            let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
            position += count
            return slice
        }

        /// The length following a BINARY_8/20/32 tag, or `nil` for another tag.
        mutating func readBinaryLength(tag: UInt8) throws(BinaryDecodingError) -> Int? {
            switch tag {
            case WireTag.binary8: try readBigEndian(1, "a 1-byte BINARY_8 length")
            // whatsmeow and Baileys both ignore the top 4 bits of a BINARY_20 length; so do we.
            case WireTag.binary20: try readBigEndian(3, "a 3-byte BINARY_20 length") & 0x0F_FFFF
            case WireTag.binary32: try readBigEndian(4, "a 4-byte BINARY_32 length")
            default: nil
            }
        }

        /// The size following a LIST_EMPTY/LIST_8/LIST_16 tag, or `nil` for another tag.
        mutating func readListSize(tag: UInt8) throws(BinaryDecodingError) -> Int? {
            switch tag {
            case WireTag.listEmpty: 0
            case WireTag.list8: try readBigEndian(1, "a 1-byte LIST_8 size")
            case WireTag.list16: try readBigEndian(2, "a 2-byte LIST_16 size")
            default: nil
            }
        }

        // MARK: Nodes

        mutating func readNode(depth: Int) throws(BinaryDecodingError) -> Node {
            let start = position
            guard depth <= maximumDepth else {
                throw error(.nestingTooDeep, at: start, "nodes nested at most \(maximumDepth) deep")
            }
            let listTag = try readByte("a list tag opening a node")
            guard let size = try readListSize(tag: listTag) else {
                throw error(.unexpectedTag, at: start, "a list tag opening a node, not \(listTag)")
            }
            guard size > 0 else { throw error(.invalidNode, at: start, "a node list of at least 1 item") }
            let attributeCount = (size - 1) / 2
            // Each attribute takes at least 2 bytes: check before reserving room for them.
            guard attributeCount * 2 <= remaining else {
                throw error(.lengthExceedsInput, at: start, "\(attributeCount) attributes, but only \(remaining) bytes remain")
            }
            let tagOffset = position
            let tag = try readString("a string for the node's tag")
            guard !tag.isEmpty else { throw error(.invalidNode, at: tagOffset, "a non-empty node tag") }

            var attributes = Node.Attributes()
            if attributeCount > 0 {
                var pairs: [Node.Attributes.Element] = []
                pairs.reserveCapacity(attributeCount)
                // A 64-bit Bloom filter of the keys (2 bits per key): only when a key's bits are both set
                // already is the full duplicate check run, which copies every pair and costs more than
                // the rest of the node.
                var seen: UInt64 = 0
                var maybeRepeated = false
                for _ in 0..<attributeCount {
                    let key = try readString("a string for an attribute key")
                    guard let value = try readAttributeValue() else { continue }
                    let hash = Tokens.Index.hash(key.utf8)
                    let bits = UInt64(1) << (hash & 63) | UInt64(1) << (hash >> 26)
                    maybeRepeated = maybeRepeated || seen & bits == bits
                    seen |= bits
                    pairs.append((key: key, value: value))
                }
                attributes = maybeRepeated ? .uniquing(pairs) : Node.Attributes(uniqueStorage: pairs)
            }
            let content = size & 1 == 0 ? try readContent(depth: depth) : nil
            return Node(tag: tag, attributes: attributes, content: content)
        }

        mutating func readAttributeValue() throws(BinaryDecodingError) -> Node.AttributeValue? {
            let offset = position
            let tag = try readByte("an attribute value")
            if tag == WireTag.listEmpty { return nil }
            if let jid = try readJIDBody(tag: tag, tagOffset: offset) { return .jid(jid) }
            if let string = try readStringBody(tag: tag) { return .string(string) }
            throw error(.unexpectedTag, at: offset, "a string or JID for an attribute value, not \(tag)")
        }

        mutating func readContent(depth: Int) throws(BinaryDecodingError) -> Node.Content {
            let offset = position
            let tag = try readByte("the node's content")
            if let count = try readListSize(tag: tag) {
                // The smallest node is 3 bytes (F8 01 token): check before reserving.
                guard count <= remaining / 3 else {
                    throw error(.lengthExceedsInput, at: offset, "\(count) child nodes, but only \(remaining) bytes remain")
                }
                var children: [Node] = []
                children.reserveCapacity(count)
                for _ in 0..<count { children.append(try readNode(depth: depth + 1)) }
                return .nodes(children)
            }
            if let length = try readBinaryLength(tag: tag) {
                return .bytes(Array(try readRaw(length, lengthOffset: offset + 1, "binary content")))
            }
            if let jid = try readJIDBody(tag: tag, tagOffset: offset) { return .jid(jid) }
            if let string = try readStringBody(tag: tag) { return .string(string) }
            throw error(.unexpectedTag, at: offset, "a list, binary, string or JID for the content, not \(tag)")
        }

        // MARK: Strings

        /// A string value: token, packed string or BINARY_* bytes read as UTF-8.
        mutating func readString(_ expected: @autoclosure () -> String) throws(BinaryDecodingError) -> String {
            let offset = position
            let tag = try readByte(expected())
            if let string = try readStringBody(tag: tag) { return string }
            throw error(.unexpectedTag, at: offset, "\(expected()), not tag \(tag)")
        }

        /// The string after `tag`, or `nil` when `tag` does not start a string.
        mutating func readStringBody(tag: UInt8) throws(BinaryDecodingError) -> String? {
            switch tag {
            case 1...WireTag.lastSingleByteToken:
                return Tokens.singleByte[Int(tag)]
            case WireTag.dictionary0...WireTag.dictionary3:
                let index = try readByte("a double-byte token index")
                return Tokens.doubleByte[Int(tag - WireTag.dictionary0)][Int(index)]
            case WireTag.nibble8, WireTag.hex8:
                return try readPacked(hex: tag == WireTag.hex8)
            case WireTag.binary8, WireTag.binary20, WireTag.binary32:
                let lengthOffset = position
                let length = try readBinaryLength(tag: tag) ?? 0
                // Invalid UTF-8 is repaired (U+FFFD) rather than rejected: strings are read leniently.
                return String(decoding: try readRaw(length, lengthOffset: lengthOffset, "string"), as: UTF8.self)
            default:
                return nil
            }
        }

        /// A NIBBLE_8 / HEX_8 string (§3.5). The pad nibble of an odd length is dropped whatever its value,
        /// as both reference decoders do.
        mutating func readPacked(hex: Bool) throws(BinaryDecodingError) -> String {
            let headerOffset = position
            let header = try readByte("a packed-string length byte")
            let byteCount = Int(header & 0x7F)
            let odd = header & 0x80 != 0
            if odd, byteCount == 0 {
                throw error(.invalidPackedString, at: headerOffset, "at least 1 byte for an odd-length packed string")
            }
            let packed = try readRaw(byteCount, lengthOffset: headerOffset, "packed string")
            let characterCount = byteCount * 2 - (odd ? 1 : 0)
            if !hex {
                // Validate first so the string initialiser below cannot fail half-way.
                for index in 0..<byteCount {
                    let byte = packed[index]
                    let isPad = odd && index == byteCount - 1
                    if PackedString.nibbleCharacter(byte >> 4) == nil
                        || (!isPad && PackedString.nibbleCharacter(byte & 0x0F) == nil)
                    {
                        throw error(.invalidPackedString, at: headerOffset + 1 + index, "nibbles 0-11 (digits, '-', '.')")
                    }
                }
            }
            return String(unsafeUninitializedCapacity: byteCount * 2) { output in
                for index in 0..<byteCount {
                    let byte = packed[index]
                    if hex {
                        output[2 * index] = PackedString.hexCharacter(byte >> 4)
                        output[2 * index + 1] = PackedString.hexCharacter(byte & 0x0F)
                    } else {
                        output[2 * index] = PackedString.validNibbleCharacter(byte >> 4)
                        output[2 * index + 1] = PackedString.validNibbleCharacter(byte & 0x0F)
                    }
                }
                // The pad character of an odd length is written, then left out of the count.
                return characterCount
            }
        }

        // MARK: JIDs

        /// The JID after `tag`, or `nil` when `tag` does not start a JID (§3.6).
        mutating func readJIDBody(tag: UInt8, tagOffset: Int) throws(BinaryDecodingError) -> JID? {
            switch tag {
            case WireTag.jidPair:
                let user = try readJIDUser()
                let serverOffset = position
                let server = try readString("a string for the JID server")
                guard !server.isEmpty else { throw error(.invalidJID, at: serverOffset, "a non-empty JID server") }
                return JID(user: user, server: JID.Server(server))
            case WireTag.adJID:
                let domain = try readByte("the AD_JID domain byte")
                let device = try readByte("the AD_JID device byte")
                let user = try readJIDUser()
                // An unknown domain byte is an agent on s.whatsapp.net, as whatsmeow keeps it.
                if let server = JID.Domain.server(for: domain) {
                    return JID(user: user, device: UInt16(device), server: server)
                }
                return JID(user: user, agent: domain, device: UInt16(device), server: .defaultUser)
            case WireTag.fbJID:
                let user = try readJIDUser()
                let device = try readBigEndian(2, "the 2-byte FB_JID device")
                try readServer(expecting: .messenger)
                return JID(user: user, device: UInt16(device), server: .messenger)
            case WireTag.interopJID:
                let user = try readJIDUser()
                let device = try readBigEndian(2, "the 2-byte INTEROP_JID device")
                let integrator = try readBigEndian(2, "the 2-byte INTEROP_JID integrator")
                try readServer(expecting: .interop)
                return JID(user: user, device: UInt16(device), integrator: UInt16(integrator), server: .interop)
            default:
                return nil
            }
        }

        /// A JID's user: a string, or LIST_EMPTY for none.
        mutating func readJIDUser() throws(BinaryDecodingError) -> String {
            if position < bytes.count, bytes[position] == WireTag.listEmpty {
                position += 1
                return ""
            }
            return try readString("a string (or LIST_EMPTY) for the JID user")
        }

        mutating func readServer(expecting server: JID.Server) throws(BinaryDecodingError) {
            let offset = position
            let found = try readString("the JID server \"\(server)\"")
            guard found == server.rawValue else {
                throw error(.invalidJID, at: offset, "the JID server \"\(server)\", not \"\(found)\"")
            }
        }
    }
}
