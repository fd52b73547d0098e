/// The binary-XML token dictionaries (DictVersion 3) shared by the encoder and the decoder.
///
/// The tables themselves are generated into `Tokens+Generated.swift` from
/// `shared/protocol/wa-tokens.json` by `scripts/gen-wa-tokens.py`.
public enum Tokens {
    /// The wire form of a token: one byte (`1...235`) or two bytes (`236 + d`, `i`).
    ///
    /// Values below 256 are single-byte tokens; others carry the dictionary tag in the high byte.
    typealias Code = UInt16

    /// The reverse index used by the encoder, built once on first use.
    static let index = Index()

    /// The wire form of `string` if it is a token.
    static func code(for string: String) -> Code? {
        var string = string
        return string.withUTF8 { index.code(for: $0) }
    }

    /// An open-addressing hash table from a token's UTF-8 bytes to its wire form.
    ///
    /// Every string the encoder writes is looked up here, so it hashes raw bytes (FNV-1a) instead of
    /// going through `String` hashing, which normalises Unicode and showed up at ~20% of encode time.
    /// A class so that using the shared instance retains one object rather than three arrays.
    final class Index: Sendable {
        /// The UTF-8 bytes of every token, back to back.
        private let text: [UInt8]
        /// Per entry: start in `text`, length, and wire form.
        private let entries: [(start: Int32, length: UInt8, code: Code)]
        /// Entry number + 1 per slot; 0 is an empty slot. A power of two, kept under 1/3 full.
        private let slots: [UInt16]
        /// The longest token in bytes; longer strings skip the lookup.
        let maximumLength: Int

        init() {
            var tokens: [(String, Code)] = []
            // Index 0 of the single-byte table is not a token (byte 0 is LIST_EMPTY).
            for (position, token) in singleByte.enumerated().dropFirst() where !token.isEmpty {
                tokens.append((token, Code(position)))
            }
            for (dictionary, list) in doubleByte.enumerated() {
                for (position, token) in list.enumerated() where !token.isEmpty {
                    tokens.append((token, Code(WireTag.dictionary0 + UInt8(dictionary)) << 8 | Code(position)))
                }
            }
            var capacity = 1
            while capacity < tokens.count * 3 { capacity <<= 1 }
            var text: [UInt8] = []
            var entries: [(start: Int32, length: UInt8, code: Code)] = []
            var slots = [UInt16](repeating: 0, count: capacity)
            var maximumLength = 0
            for (token, code) in tokens {
                let utf8 = Array(token.utf8)
                var slot = Int(Self.hash(utf8)) & (capacity - 1)
                var duplicate = false
                while slots[slot] != 0 {
                    let entry = entries[Int(slots[slot]) - 1]
                    if Int(entry.length) == utf8.count, Array(text[Int(entry.start)..<Int(entry.start) + utf8.count]) == utf8 {
                        duplicate = true  // single-byte tokens come first and win
                        break
                    }
                    slot = (slot + 1) & (capacity - 1)
                }
                if duplicate { continue }
                entries.append((start: Int32(text.count), length: UInt8(utf8.count), code: code))
                text += utf8
                slots[slot] = UInt16(entries.count)
                maximumLength = max(maximumLength, utf8.count)
            }
            self.text = text
            self.entries = entries
            self.slots = slots
            self.maximumLength = maximumLength
        }

        /// The wire form of the token spelled by `utf8`, if any.
        func code(for utf8: UnsafeBufferPointer<UInt8>) -> Code? {
            guard !utf8.isEmpty, utf8.count <= maximumLength else { return nil }
            let mask = slots.count - 1
            var slot = Int(Self.hash(utf8)) & mask
            while true {
                let entryNumber = Int(slots[slot])
                if entryNumber == 0 { return nil }
                let entry = entries[entryNumber - 1]
                if Int(entry.length) == utf8.count {
                    let start = Int(entry.start)
                    var equal = true
                    for offset in 0..<utf8.count where text[start + offset] != utf8[offset] {
                        equal = false
                        break
                    }
                    if equal { return entry.code }
                }
                slot = (slot + 1) & mask
            }
        }

        /// 32-bit FNV-1a.
        @inline(__always)
        static func hash(_ bytes: some Sequence<UInt8>) -> UInt32 {
            var hash: UInt32 = 0x811C_9DC5
            for byte in bytes { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
            return hash
        }
    }
}
