/// The binary-XML token dictionaries (DictVersion 3) shared by the encoder and the decoder.
///
/// The tables themselves are generated into `Tokens+Generated.swift` from
/// `shared/protocol/wa-tokens.json` by `scripts/gen-wa-tokens.py`.
public enum Tokens {
    /// The wire form of a token: one byte (`1...235`) or two bytes (`236 + d`, `i`).
    ///
    /// Packed in a `UInt16` so that the lookup table stays a flat `[String: UInt16]`:
    /// values below 256 are single-byte tokens, others carry the dictionary tag in the high byte.
    typealias Code = UInt16

    /// The longest token in UTF-8 bytes; longer strings skip the hash lookup.
    static let maximumTokenLength: Int = index.maximumLength

    /// Every token mapped to its wire form; single-byte tokens win over double-byte ones.
    static let index: (codes: [String: Code], maximumLength: Int) = {
        var codes: [String: Code] = [:]
        codes.reserveCapacity(singleByte.count + doubleByte.count * 256)
        var maximumLength = 0
        for (dictionary, tokens) in doubleByte.enumerated().reversed() {
            for (position, token) in tokens.enumerated().reversed() where !token.isEmpty {
                codes[token] = Code(WireTag.dictionary0 + UInt8(dictionary)) << 8 | Code(position)
                maximumLength = max(maximumLength, token.utf8.count)
            }
        }
        // Index 0 of the single-byte table is not a token (byte 0 is LIST_EMPTY).
        for position in (1..<singleByte.count).reversed() where !singleByte[position].isEmpty {
            codes[singleByte[position]] = Code(position)
            maximumLength = max(maximumLength, singleByte[position].utf8.count)
        }
        return (codes, maximumLength)
    }()

    /// The wire form of `string` if it is a token.
    @inline(__always)
    static func code(for string: String) -> Code? {
        let length = string.utf8.count
        guard length > 0, length <= maximumTokenLength else { return nil }
        return index.codes[string]
    }
}
