import Testing
@testable import WABinary

/// Round trips of every wire form, with the exact bytes where the form matters.
@Suite struct BinaryEncoderTests {
    // MARK: - Tokens

    @Test func everySingleByteTokenIsOneByte() throws {
        for index in 1..<Tokens.singleByte.count {
            let token = Tokens.singleByte[index]
            let encoded = try expectRoundTrip(Node(tag: token))
            #expect(encoded == [0xF8, 0x01, UInt8(index)], "token \(token)")
        }
    }

    @Test(arguments: 0..<4)
    func everyDoubleByteTokenIsTwoBytes(dictionary: Int) throws {
        for (index, token) in Tokens.doubleByte[dictionary].enumerated() {
            let encoded = try expectRoundTrip(Node(tag: "iq", content: .string(token)))
            #expect(encoded == [0xF8, 0x02, 0x19, 0xEC + UInt8(dictionary), UInt8(index)], "token \(token)")
        }
    }

    @Test func singleByteTokensWinOverPackingAndDoubleByteOverPacking() throws {
        // "1" is both a nibble string and a single-byte token; "8" a nibble string and a double-byte token.
        #expect(try BinaryEncoder().encode(Node(tag: "iq", content: .string("1"))) == bytes("F8 02 19 55"))
        #expect(try BinaryEncoder().encode(Node(tag: "iq", content: .string("8"))) == bytes("F8 02 19 EC DF"))
    }

    // MARK: - Packed strings

    @Test(arguments: [
        ("98", "FF 01 98"),
        ("987", "FF 82 98 7F"),
        ("123-.4", "FF 03 12 3A B4"),
        ("98765", "FF 83 98 76 5F"),
        ("-.-", "FF 82 AB AF"),
        ("AB", "FB 01 AB"),
        ("A", "FB 81 AF"),
        ("3EB0", "FB 02 3E B0"),
        ("0123456789ABCDEF0", "FB 89 01 23 45 67 89 AB CD EF 0F"),
    ])
    func packsQualifyingStrings(string: String, expected: String) throws {
        let encoded = try expectRoundTrip(Node(tag: "iq", content: .string(string)))
        #expect(Array(encoded.dropFirst(3)) == bytes(expected), "\(string) gave \(hex(encoded))")
    }

    @Test func packsUpTo127CharactersAndNoMore() throws {
        let odd = String(repeating: "9", count: 127)
        let encoded = try expectRoundTrip(Node(tag: "iq", content: .string(odd)))
        #expect(Array(encoded.prefix(5)) == bytes("F8 02 19 FF C0"))
        #expect(encoded.count == 3 + 2 + 64)
        let even = String(repeating: "F", count: 126)
        #expect(Array(try expectRoundTrip(Node(tag: "iq", content: .string(even))).prefix(5)) == bytes("F8 02 19 FB 3F"))

        // 128 characters no longer pack: raw bytes, which come back as bytes in content position.
        let long = String(repeating: "9", count: 128)
        let raw = try BinaryEncoder().encode(Node(tag: "iq", content: .string(long)))
        #expect(Array(raw.prefix(5)) == bytes("F8 02 19 FC 80"))
        #expect(try BinaryDecoder().decode(raw) == Node(tag: "iq", content: .bytes(Array(long.utf8))))
        // In attribute position a raw string stays a string.
        try expectRoundTrip(Node(tag: "iq", attributes: ["id": .string(long)]))
    }

    @Test(arguments: ["abc", "3eb0", "1A-", "98 7", "é9", "hello world", "interop"])
    func doesNotPackOtherStrings(string: String) throws {
        let encoded = try expectRoundTrip(Node(tag: "iq", attributes: ["id": .string(string)]))
        #expect(encoded[4] == 0xFC, "\(string) gave \(hex(encoded))")
        #expect(Array(encoded.dropFirst(6)) == Array(string.utf8))
    }

    @Test func writesTheEmptyStringAsEmptyBinary() throws {
        let encoded = try expectRoundTrip(Node(tag: "iq", attributes: ["id": ""]))
        #expect(encoded == bytes("F8 03 19 08 FC 00"))
        // whatsmeow's empty nibble also decodes to "".
        #expect(try BinaryDecoder().decode(bytes("F8 03 19 08 FF 00")) == Node(tag: "iq", attributes: ["id": ""]))
    }

    // MARK: - Lists

    @Test func nodeHeaderSizeClasses() throws {
        #expect(try expectRoundTrip(Node(tag: "iq")) == bytes("F8 01 19"))
        // 127 attributes + tag = 255 items: LIST_8; 128 attributes = 257 items: LIST_16.
        let attributes127 = Node.Attributes((0..<127).map { ("k\($0)", Node.AttributeValue.string("v")) })
        #expect(try expectRoundTrip(Node(tag: "iq", attributes: attributes127)).prefix(2) == [0xF8, 0xFF])
        let attributes128 = Node.Attributes((0..<128).map { ("k\($0)", Node.AttributeValue.string("v")) })
        #expect(try expectRoundTrip(Node(tag: "iq", attributes: attributes128)).prefix(3) == [0xF9, 0x01, 0x01])
    }

    @Test(arguments: [(0, "00"), (1, "F8 01"), (255, "F8 FF"), (256, "F9 01 00"), (65535, "F9 FF FF")])
    func childListSizeClasses(count: Int, header: String) throws {
        let node = Node(tag: "iq", children: Array(repeating: Node(tag: "item"), count: count))
        let encoded = try expectRoundTrip(node)
        let expectedHeader = bytes(header)
        #expect(Array(encoded[3..<3 + expectedHeader.count]) == expectedHeader)
        #expect(encoded.count == 3 + expectedHeader.count + 3 * count)
    }

    @Test func rejectsTooManyChildren() {
        let node = Node(tag: "iq", children: Array(repeating: Node(tag: "item"), count: 65536))
        #expect(throws: BinaryEncodingError.self) { try BinaryEncoder().encode(node) }
    }

    // MARK: - Binary

    @Test(arguments: [
        (0, "FC 00"), (1, "FC 01"), (255, "FC FF"), (256, "FD 00 01 00"),
        ((1 << 20) - 1, "FD 0F FF FF"), (1 << 20, "FE 00 10 00 00"),
    ])
    func binarySizeClasses(count: Int, header: String) throws {
        let content = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let encoded = try expectRoundTrip(Node(tag: "enc", content: .bytes(content)))
        let expectedHeader = bytes(header)
        #expect(Array(encoded[3..<3 + expectedHeader.count]) == expectedHeader)
        #expect(encoded.count == 3 + expectedHeader.count + count)
    }

    // MARK: - Nodes

    @Test func nestedNodesAndEveryContentKind() throws {
        let node = Node(
            tag: "message",
            attributes: ["id": "3EB0AB12", "type": "text", "from": .jid(JID(user: "120363012345678901", server: .group))],
            children: [
                Node(tag: "enc", attributes: ["v": "2", "type": "skmsg"], content: .bytes([0x33, 0x0A, 0x00, 0xFF])),
                Node(tag: "participants", children: [
                    Node(tag: "to", attributes: ["jid": .jid(JID(user: "12025550123", device: 2, server: .defaultUser))],
                         children: [Node(tag: "enc", content: .bytes([]))]),
                    Node(tag: "to", attributes: ["jid": .jid(JID(user: "123456789012345", device: 3, server: .lid))]),
                ]),
                Node(tag: "device-identity", content: .bytes(Array(repeating: 7, count: 300))),
                Node(tag: "count", content: .string("1234")),
                Node(tag: "status", content: .string("available")),
                Node(tag: "participant", content: .jid(JID(user: "12025550123", server: .defaultUser))),
                Node(tag: "list", content: .nodes([])),
                Node(tag: "empty"),
            ])
        try expectRoundTrip(node)
    }

    @Test func encodesIntoAnExistingBuffer() throws {
        var buffer: [UInt8] = [1, 2, 3]
        try BinaryEncoder().encode(Node(tag: "iq"), into: &buffer)
        #expect(buffer == [1, 2, 3, 0xF8, 0x01, 0x19])
        #expect(throws: BinaryEncodingError.self) {
            try BinaryEncoder().encode(Node(tag: "iq", children: [Node(tag: "")]), into: &buffer)
        }
        #expect(buffer == [1, 2, 3, 0xF8, 0x01, 0x19], "left as it was after an error")
    }

    @Test func rejectsEmptyTags() {
        #expect(throws: BinaryEncodingError.self) { try BinaryEncoder().encode(Node(tag: "")) }
    }

    @Test func boundsNestingLikeTheDecoder() throws {
        func nested(_ depth: Int) -> Node {
            var node = Node(tag: "item")
            for _ in 1..<depth { node = Node(tag: "item", children: [node]) }
            return node
        }
        try expectRoundTrip(nested(BinaryDecoder.defaultMaximumDepth))
        let tooDeep = nested(BinaryDecoder.defaultMaximumDepth + 1)
        let error = #expect(throws: BinaryEncodingError.self) { try BinaryEncoder().encode(tooDeep) }
        #expect(error?.code == .nestingTooDeep)
    }
}
