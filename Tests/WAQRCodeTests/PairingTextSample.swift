import Foundation

/// Realistic WhatsApp pairing texts (protocol reference §4.2), reproducible from a seed:
/// `https://wa.me/settings/linked_devices#` ‖ join(",", [ref, noise key, identity key, ADV secret, "1"]).
enum PairingTextSample {
    static let prefix = "https://wa.me/settings/linked_devices#"

    /// A ref of `2@` and 92 base64 characters, three base64 keys of 32 bytes (44 characters with
    /// padding) and platform "1" (Chrome): 269 bytes.
    static func make(seed: UInt64) -> String {
        var random = SplitMix64(seed: seed)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let ref = "2@" + String((0..<92).map { _ in alphabet[Int(random.next() % 64)] })
        let keys = (0..<3).map { _ in
            Data((0..<32).map { _ in UInt8(truncatingIfNeeded: random.next()) }).base64EncodedString()
        }
        return prefix + ([ref] + keys + ["1"]).joined(separator: ",")
    }
}
