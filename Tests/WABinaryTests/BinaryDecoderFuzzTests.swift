import Testing
import WABinary

/// Random and mutated input: never a crash, and whatever decodes re-encodes to a fixpoint.
@Suite struct BinaryDecoderFuzzTests {
    /// Valid encodings to truncate and mutate: the worked examples and a node using every wire form.
    static let seeds: [[UInt8]] = {
        var seeds = WorkedExamplesTests.examples.map { Array($0.payload.dropFirst()) }
        let rich = Node(
            tag: "message",
            attributes: [
                "id": "3EB0AB12", "t": "1700000000", "notify": "Zoë",
                "from": .jid(JID(user: "120363012345678901", server: .group)),
                "participant": .jid(JID(user: "12025550123", agent: 7, device: 2, server: .defaultUser)),
                "sender_lid": .jid(JID(user: "123456789012345", device: 3, server: .lid)),
                "hosted": .jid(JID(user: "1", device: 1, server: .hostedLID)),
                "fb": .jid(JID(user: "100012345", device: 4, server: .messenger)),
                "io": .jid(JID(user: "100012345", device: 2, integrator: 5, server: .interop)),
            ],
            children: [
                Node(tag: "enc", attributes: ["v": "2", "type": "pkmsg"], content: .bytes(Array(0..<40))),
                Node(tag: "list", children: [Node(tag: "item", content: .string("-.-")), Node(tag: "item")]),
                Node(tag: "active", content: .jid(.server)),
            ])
        seeds.append(try! BinaryEncoder().encode(rich))
        return seeds
    }()

    @Test func everyTruncationFails() {
        for seed in Self.seeds {
            for length in 0..<seed.count {
                #expect(throws: BinaryDecodingError.self, "prefix \(length) of \(hex(seed))") {
                    try BinaryDecoder().decode(Array(seed.prefix(length)))
                }
            }
        }
    }

    @Test func everySingleByteMutationDecodesOrFails() throws {
        var decoded = 0
        for seed in Self.seeds {
            for position in seed.indices {
                var input = seed
                for value in 0...255 {
                    input[position] = UInt8(value)
                    if try Self.checkFixpoint(input) { decoded += 1 }
                }
            }
        }
        #expect(decoded > 0)
    }

    @Test func randomBytesDecodeOrFail() throws {
        var generator = SplitMix64(state: 0x5EED)
        for round in 0..<30_000 {
            let count = Int.random(in: 0...48, using: &generator)
            var input = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Half the inputs start like a node so the decoder gets past the first byte.
            if round.isMultiple(of: 2), count >= 2 {
                input[0] = 0xF8
                input[1] = UInt8.random(in: 1...9, using: &generator)
            }
            try Self.checkFixpoint(input)
        }
    }

    @Test func randomTagSoupDecodesOrFails() throws {
        // Inputs made only of meaningful tag bytes and small lengths, to reach deep paths.
        let alphabet: [UInt8] = [0, 1, 2, 3, 0x19, 0x55, 0xEC, 0xEF, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC,
                                 0xFD, 0xFE, 0xFF, 0x80, 0x81, 0x12, 0xCC, 0x76, 0x1C]
        var generator = SplitMix64(state: 0x7A65)
        for _ in 0..<30_000 {
            let count = Int.random(in: 1...40, using: &generator)
            var input = (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
            input[0] = 0xF8
            try Self.checkFixpoint(input)
        }
    }

    /// Lengths read from the input are checked against the bytes that remain before anything is
    /// allocated: a few bytes claiming gigabytes fail with "unexpected end" at the claim itself. (Speed is
    /// measured in bench/, not asserted here.)
    @Test func hugeClaimsFailBeforeAllocating() {
        for input in [
            bytes("F8 02 19 FE FF FF FF FF"),  // 4 GiB of content
            bytes("F8 02 19 FE 80 00 00 00"),  // 2 GiB of content
            bytes("F8 02 19 F9 FF FF"),  // 65535 children
            bytes("F9 FF FF 19 08"),  // 32767 attributes
            bytes("F8 02 19 FF 7F"),  // 127 packed bytes
        ] {
            let error = decodingError(input)
            #expect(error != nil)
            #expect((error?.offset ?? .max) <= input.count)
        }
    }

    /// Decodes `input`; if that works, the node must encode, and re-decoding and re-encoding must give
    /// the same bytes (a long packed string becomes raw bytes once, then stays). Returns whether it decoded.
    @discardableResult
    static func checkFixpoint(_ input: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        let node: Node
        do {
            node = try BinaryDecoder().decode(input)
        } catch {
            #expect(error.offset >= 0 && error.offset <= input.count, "\(error)", sourceLocation: sourceLocation)
            return false
        }
        let encoded = try BinaryEncoder().encode(node)
        let again = try BinaryDecoder().decode(encoded)
        #expect(try BinaryEncoder().encode(again) == encoded, "from \(hex(input))", sourceLocation: sourceLocation)
        _ = node.description
        return true
    }
}
