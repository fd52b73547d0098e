import Testing
import WABinary

/// Bytes from a hex string with optional spaces: `bytes("F8 01 19")`.
func bytes(_ hex: String) -> [UInt8] {
    let digits = hex.filter { !$0.isWhitespace }
    precondition(digits.count % 2 == 0, "odd hex string in a test")
    var output: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        output.append(UInt8(digits[index..<next], radix: 16)!)
        index = next
    }
    return output
}

/// Hex for failure messages.
func hex(_ bytes: [UInt8]) -> String {
    bytes.map { byte in
        let digits = String(byte, radix: 16, uppercase: true)
        return byte < 0x10 ? "0" + digits : digits
    }.joined(separator: " ")
}

/// A deterministic generator (SplitMix64) so that fuzz failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Encodes, decodes, and checks the node came back equal and re-encodes to the same bytes.
@discardableResult
func expectRoundTrip(_ node: Node, sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt8] {
    let encoded = try BinaryEncoder().encode(node)
    let decoded = try BinaryDecoder().decode(encoded)
    #expect(decoded == node, "decoded \(decoded) from \(hex(encoded))", sourceLocation: sourceLocation)
    #expect(try BinaryEncoder().encode(decoded) == encoded, sourceLocation: sourceLocation)
    return encoded
}

/// The error a decode throws, or `nil` (recording an issue) if it succeeds.
func decodingError(
    _ input: [UInt8], decoder: BinaryDecoder = BinaryDecoder(), sourceLocation: SourceLocation = #_sourceLocation
) -> BinaryDecodingError? {
    do {
        let node = try decoder.decode(input)
        Issue.record("decoded \(node) from \(hex(input)), expected an error", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}
