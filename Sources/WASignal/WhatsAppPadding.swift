import COpenSSL

/// WhatsApp's random padding of message plaintexts (wa-md-protocol §5.4), applied to the serialised
/// `Message` before Signal encryption (pairwise and group) and removed after decryption, on top of
/// the AES-CBC padding inside the Signal layer. Version-3 ("armadillo") messages are not padded.
///
/// `p` bytes of value `p` are appended, `p` random in 1...16 (Baileys' range; whatsmeow uses 1...15,
/// and receivers accept any length the message can hold).
public enum WhatsAppPadding {
    /// The largest pad length `add` produces.
    public static let maximumCount = 16

    /// `plaintext` followed by 1...16 bytes, each equal to their count.
    /// - Throws: `SignalError.library` only when OpenSSL's random generator fails.
    public static func add(to plaintext: [UInt8]) throws -> [UInt8] {
        var random: UInt8 = 0
        guard RAND_bytes(&random, 1) == 1 else { throw SignalError.library(OpenSSLCryptoProvider.openSSLFailure) }
        return add(to: plaintext, count: Int(random & 0x0F) + 1)
    }

    /// `plaintext` followed by `count` bytes of value `count` (tests and deterministic callers).
    /// - Parameter count: 1...255.
    static func add(to plaintext: [UInt8], count: Int) -> [UInt8] {
        precondition((1...255).contains(count), "WhatsApp padding is 1 to 255 bytes")
        return plaintext + [UInt8](repeating: UInt8(count), count: count)
    }

    /// `padded` without its padding.
    ///
    /// The last byte `p` is the pad length; valid padding has `1 ≤ p ≤ padded.count` and all of the last
    /// `p` bytes equal to `p` (as whatsmeow checks). A pad of 0 is refused: no sender produces one.
    /// - Throws: `SignalError.invalidPadding` for empty input or padding that does not check out.
    public static func remove(from padded: [UInt8]) throws -> [UInt8] {
        guard let last = padded.last, last > 0, Int(last) <= padded.count else { throw SignalError.invalidPadding }
        let count = Int(last)
        guard padded.suffix(count).allSatisfy({ $0 == last }) else { throw SignalError.invalidPadding }
        return Array(padded.dropLast(count))
    }
}
