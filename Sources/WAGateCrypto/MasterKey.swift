import CSodium
import Foundation

/// The gateway's key-encryption key: it wraps every account's data key.
///
/// It comes from `WAGATE_MASTER_KEY` (32 bytes in standard base64) or from a 0600 key file. Its `id` is a
/// keyed BLAKE2b fingerprint stored next to each wrapped key, so the gateway can tell which master key
/// wrapped a row (during rotation both exist) without revealing anything about the key.
public struct MasterKey: Sendable {
    /// The key bytes.
    public let secret: SecretBytes
    /// A 16-hex-digit fingerprint, safe to log and store.
    public let id: String

    /// Wraps existing key bytes.
    /// - Throws: `CryptoError.invalidKey` when they are not 32 bytes.
    public init(secret: SecretBytes) throws {
        guard secret.count == Sealer.keyLength else {
            throw CryptoError(.invalidKey, "master key must be \(Sealer.keyLength) bytes, got \(secret.count)")
        }
        self.secret = secret
        self.id = try Self.fingerprint(secret)
    }

    /// A new random master key.
    public static func generate() throws -> MasterKey {
        try MasterKey(secret: .random(count: Sealer.keyLength))
    }

    /// Parses standard base64 (surrounding whitespace ignored), as found in `WAGATE_MASTER_KEY` or a key file.
    /// - Parameter source: where the text came from, for the error message (never the text itself).
    public init(base64 text: String, source: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard var raw = Data(base64Encoded: trimmed).map(Array.init) else {
            throw CryptoError(.invalidKey, "\(source) is not valid base64; expected 32 random bytes in standard base64 (e.g. from `openssl rand -base64 32`)")
        }
        defer { SecretBytes.wipe(&raw) }
        guard raw.count == Sealer.keyLength else {
            throw CryptoError(.invalidKey, "\(source) decodes to \(raw.count) bytes; expected exactly 32 (e.g. from `openssl rand -base64 32`)")
        }
        try self.init(secret: SecretBytes(copying: raw))
    }

    /// The key as standard base64, for writing a key file.
    public func base64Encoded() -> String {
        var raw = secret.copyBytes()
        defer { SecretBytes.wipe(&raw) }
        return Data(raw).base64EncodedString()
    }

    private static func fingerprint(_ key: SecretBytes) throws -> String {
        try Sodium.ensureInitialised()
        let label = Array("wagate master key id".utf8)
        var out = [UInt8](repeating: 0, count: 8)
        _ = key.withUnsafeBytes { k in
            crypto_generichash(&out, out.count, label, UInt64(label.count), k.baseAddress!.assumingMemoryBound(to: UInt8.self), k.count)
        }
        return out.map { String(format: "%02x", $0) }.joined()
    }
}
