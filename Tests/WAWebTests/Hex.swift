/// Hex conversions for test vectors and for talking to the Python peers.
enum Hex {
    /// Bytes from a hex string; traps on malformed input (test vectors only).
    static func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        precondition(digits.count % 2 == 0, "odd-length hex")
        return stride(from: 0, to: digits.count, by: 2).map { i in
            UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16)!
        }
    }

    /// Lower-case hex of `bytes`.
    static func string(_ bytes: some Sequence<UInt8>) -> String {
        let alphabet = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes { out += [alphabet[Int(b >> 4)], alphabet[Int(b & 15)]] }
        return String(decoding: out, as: UTF8.self)
    }
}
