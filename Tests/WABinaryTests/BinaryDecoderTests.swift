import Testing
import WABinary

/// Malformed input: every failure is an error value with the offset and what was expected.
@Suite struct BinaryDecoderTests {
    @Test(arguments: [
        // input, code, offset
        ("", BinaryDecodingError.Code.unexpectedEndOfInput, 0),
        ("F8", .unexpectedEndOfInput, 1),
        ("F8 00", .invalidNode, 0),
        ("00", .invalidNode, 0),
        ("F0", .unexpectedTag, 0),
        ("19", .unexpectedTag, 0),
        ("F8 01 F0", .unexpectedTag, 2),
        ("F8 01 FA 00 03", .unexpectedTag, 2),  // a JID is not a tag
        ("F8 01 FC 00", .invalidNode, 2),  // empty tag
        ("F8 01 19 00", .trailingBytes, 3),
        ("F8 01 EC", .unexpectedEndOfInput, 3),
        ("F8 03 19 FA 00 03 03", .unexpectedTag, 3),  // a JID is not an attribute key
        ("F8 03 19 08 F8 01 19", .unexpectedTag, 4),  // a list is not an attribute value
        ("F8 02 19 F3", .unexpectedTag, 3),
        ("F8 02 19 FC 05 01 02", .lengthExceedsInput, 4),
        ("F8 02 19 FD 0F FF FF", .lengthExceedsInput, 4),
        ("F8 02 19 FE 80 00 00 00", .lengthExceedsInput, 4),  // claims 2^31 bytes
        ("F8 02 19 FE FF FF FF FF", .lengthExceedsInput, 4),
        ("F8 02 19 FE FF FF", .unexpectedEndOfInput, 4),
        ("F8 02 19 F9 FF FF", .lengthExceedsInput, 3),  // claims 65535 children
        ("F8 02 19 F8 02 F8 01", .lengthExceedsInput, 3),
        ("F9 FF FF 19", .lengthExceedsInput, 0),  // claims 32767 attributes
        ("F8 02 19 FF 01 CC", .invalidPackedString, 5),  // nibble 12
        ("F8 02 19 FF 02 12 F4", .invalidPackedString, 6),  // pad before the end
        ("F8 02 19 FF 80", .invalidPackedString, 4),  // odd length, no bytes
        ("F8 02 19 FF 05 12", .lengthExceedsInput, 4),
        ("F8 03 19 11 FA 00 FC 00", .invalidJID, 6),  // empty server
        ("F8 03 19 11 FA FA 00 03 03", .unexpectedTag, 5),  // JID as JID user
        ("F8 03 19 11 F6 FF 01 12 00 01 03", .invalidJID, 10),  // FB_JID not on msgr
        ("F8 03 19 11 F5 FF 01 12 00 01 00 02 CC", .invalidJID, 12),  // INTEROP_JID not on interop
        ("F8 03 19 11 F7 00", .unexpectedEndOfInput, 6),
    ])
    func reportsTheOffset(input: String, code: BinaryDecodingError.Code, offset: Int) {
        let error = decodingError(bytes(input))
        #expect(error?.code == code, "\(error.map(String.init(describing:)) ?? "no error")")
        #expect(error?.offset == offset, "\(error.map(String.init(describing:)) ?? "no error")")
        #expect(error?.expected.isEmpty == false)
    }

    @Test func describesTheFailure() {
        let error = decodingError(bytes("F8 02 19 FE 80 00 00 00"))
        #expect(error?.description == "binary node: length exceeds input at offset 4, expected 2147483648 bytes of binary content, but only 0 remain")
    }

    @Test func boundsNesting() {
        var input: [UInt8] = []
        for _ in 0..<200 { input += [0xF8, 0x02, 0x19, 0xF8, 0x01] }
        input += [0xF8, 0x01, 0x19]
        let error = decodingError(input)
        #expect(error?.code == .nestingTooDeep)
        #expect(error?.offset == 64 * 5)
        let shallow = decodingError(bytes("F8 02 19 F8 01 F8 02 19 F8 01 F8 01 19"), decoder: BinaryDecoder(maximumDepth: 2))
        #expect(shallow?.code == .nestingTooDeep)
        #expect(shallow?.offset == 10)
    }

    @Test func dropsAttributesWithoutValue() throws {
        let node = try BinaryDecoder().decode(bytes("F8 05 19 08 00 04 29"))
        #expect(node == Node(tag: "iq", attributes: ["type": "get"]))
    }

    @Test func keepsTheLastOfRepeatedAttributes() throws {
        let node = try BinaryDecoder().decode(bytes("F8 05 19 08 55 08 FF 01 98"))
        #expect(node.attributes.count == 1)
        #expect(node.attribute("id") == "98")
        // Also beyond the linear-scan size: 20 attributes, the key "id" 20 times.
        var input: [UInt8] = [0xF8, 41, 0x19]
        for value in 0..<20 { input += [0x08, 0xFF, 0x01, UInt8(value / 10) << 4 | UInt8(value % 10)] }
        let many = try BinaryDecoder().decode(input)
        #expect(many.attributes.count == 1)
        #expect(many.attribute("id") == "19")
    }

    @Test func decodesInvalidUTF8Leniently() throws {
        let node = try BinaryDecoder().decode(bytes("F8 03 19 08 FC 02 C3 28"))
        #expect(node.attribute("id") == "\u{FFFD}(")
    }

    @Test func ignoresTheTopBitsOfABinary20Length() throws {
        let node = try BinaryDecoder().decode(bytes("F8 02 19 FD F0 00 01 AA"))
        #expect(node.content == .bytes([0xAA]))
    }

    // MARK: - Frame payloads

    @Test func frameErrorsCountFromThePayloadStart() {
        #expect(throws: BinaryDecodingError(code: .emptyPayload, offset: 0, expected: "a flags byte")) {
            try BinaryDecoder().decodeFramePayload([])
        }
        do {
            _ = try BinaryDecoder().decodeFramePayload(bytes("00 F8 01 19 00"))
            Issue.record("expected trailing bytes")
        } catch {
            #expect(error.code == .trailingBytes)
            #expect(error.offset == 4)
        }
        do {
            _ = try BinaryDecoder().decodeFramePayload(bytes("00"))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unexpectedEndOfInput)
            #expect(error.offset == 1)
        }
    }

    /// zlib.compress(bytes of worked example 1 without the flags byte, 9), from Python.
    static let compressedExample = bytes("02 78dafbc129c9f19f59db7da158388ba6e02f066600318a04e0")
    /// zlib.compress(`<media>` + 5000 zero bytes as BINARY_20 content, 9): inflates to 5007 bytes.
    static let compressedLarge = bytes("02 78daedc1310d00300800308205c4cce224f390a082af6de79ba81f00000000c0b905890a02ca")

    @Test func inflatesCompressedFramesOrSaysItCannot() throws {
        let expected = Node(tag: "iq", attributes: ["id": "2.47-1", "xmlns": "w:p", "type": "get", "to": .jid(.server)])
        guard BinaryDecoder.supportsCompressedFrames else {
            let error = #expect(throws: BinaryDecodingError.self) {
                try BinaryDecoder().decodeFramePayload(Self.compressedExample)
            }
            #expect(error?.code == .compressedFramesUnsupported)
            #expect(error?.offset == 0)
            #expect(error?.description.contains("compressed frames unsupported") == true)
            return
        }
        #expect(try BinaryDecoder().decodeFramePayload(Self.compressedExample) == expected)
        // Other flag bits are ignored; only 0x02 means compressed.
        #expect(try BinaryDecoder().decodeFramePayload([0x06] + Self.compressedExample.dropFirst()) == expected)
        let large = try BinaryDecoder().decodeFramePayload(Self.compressedLarge)
        #expect(large == Node(tag: "media", content: .bytes(Array(repeating: 0, count: 5000))))
    }

    @Test(.enabled(if: BinaryDecoder.supportsCompressedFrames))
    func rejectsBadOrOversizedCompressedFrames() {
        let limited = BinaryDecoder(maximumDecompressedSize: 5006)
        let tooLarge = #expect(throws: BinaryDecodingError.self) { try limited.decodeFramePayload(Self.compressedLarge) }
        #expect(tooLarge?.code == .decompressedSizeLimitExceeded)
        #expect(throws: Never.self) { try BinaryDecoder(maximumDecompressedSize: 5007).decodeFramePayload(Self.compressedLarge) }

        let truncated = Array(Self.compressedExample.dropLast(6))
        let cut = #expect(throws: BinaryDecodingError.self) { try BinaryDecoder().decodeFramePayload(truncated) }
        #expect(cut?.code == .decompressionFailed)

        var corrupted = Self.compressedExample
        corrupted[corrupted.count - 1] ^= 0xFF  // Adler-32 mismatch
        let bad = #expect(throws: BinaryDecodingError.self) { try BinaryDecoder().decodeFramePayload(corrupted) }
        #expect(bad?.code == .decompressionFailed)

        let notZlib = #expect(throws: BinaryDecodingError.self) { try BinaryDecoder().decodeFramePayload(bytes("02 F8 01 19")) }
        #expect(notZlib?.code == .decompressionFailed)
        #expect(notZlib?.offset ?? 0 >= 1)
    }
}
