import CSodium

/// Authenticated encryption of values at rest: XChaCha20-Poly1305 (libsodium, IETF construction).
///
/// Layout of a sealed value: `version (1) ‖ nonce (24) ‖ ciphertext ‖ tag (16)`. The nonce is random
/// per value (192 bits make collisions negligible), and the associated data binds the value to its
/// table, account and key (see `SealContext`).
///
/// ```swift
/// let key = try SecretBytes.random(count: Sealer.keyLength)
/// let ctx = SealContext(table: "device_credentials", accountID: "bot/default", key: "noise")
/// let sealed = try Sealer.seal(Array("secret".utf8), key: key, context: ctx)
/// let plain = try Sealer.open(sealed, key: key, context: ctx)
/// ```
public enum Sealer {
    /// The current format version, the first byte of every sealed value.
    public static let version: UInt8 = 1
    /// Key length in bytes.
    public static let keyLength = Int(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
    static let nonceLength = Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    static let tagLength = Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)

    /// Bytes a sealed value adds to its plaintext.
    public static var overhead: Int { 1 + nonceLength + tagLength }

    /// Seals `plaintext` for `context`.
    /// - Throws: `CryptoError.invalidKey` when the key is not 32 bytes.
    public static func seal(_ plaintext: some Collection<UInt8>, key: SecretBytes, context: SealContext) throws -> [UInt8] {
        try Sodium.ensureInitialised()
        guard key.count == keyLength else { throw CryptoError(.invalidKey, "sealing key must be \(keyLength) bytes") }
        let nonce = try Sodium.randomBytes(nonceLength)
        let ad = context.associatedData(version: version)
        let message = Array(plaintext)
        var out = [UInt8](repeating: 0, count: 1 + nonceLength + message.count + tagLength)
        out[0] = version
        out.replaceSubrange(1..<(1 + nonceLength), with: nonce)
        var written: UInt64 = 0
        let rc = out.withUnsafeMutableBufferPointer { outPtr in
            key.withUnsafeBytes { k in
                crypto_aead_xchacha20poly1305_ietf_encrypt(
                    outPtr.baseAddress! + 1 + nonceLength, &written,
                    message, UInt64(message.count),
                    ad, UInt64(ad.count),
                    nil, nonce, k.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        guard rc == 0 else { throw CryptoError(.libraryUnavailable, "encryption failed") }
        return out
    }

    /// Opens a value sealed by `seal(_:key:context:)` with the same key and context.
    /// - Throws: `CryptoError.authenticationFailed` when the value was altered, belongs to another
    ///   row, or was sealed under another key; `.unsupportedVersion` or `.malformed` for foreign bytes.
    public static func open(_ sealed: some Collection<UInt8>, key: SecretBytes, context: SealContext) throws -> [UInt8] {
        try Sodium.ensureInitialised()
        guard key.count == keyLength else { throw CryptoError(.invalidKey, "sealing key must be \(keyLength) bytes") }
        let bytes = Array(sealed)
        guard bytes.count >= overhead else { throw CryptoError(.malformed, "sealed value is too short (\(bytes.count) bytes)") }
        guard bytes[0] == version else {
            throw CryptoError(.unsupportedVersion, "sealed value has format version \(bytes[0]); this build reads version \(version)")
        }
        let ad = context.associatedData(version: bytes[0])
        var plain = [UInt8](repeating: 0, count: bytes.count - overhead)
        var plainLength: UInt64 = 0
        let rc = bytes.withUnsafeBufferPointer { b in
            key.withUnsafeBytes { k in
                crypto_aead_xchacha20poly1305_ietf_decrypt(
                    &plain, &plainLength, nil,
                    b.baseAddress! + 1 + nonceLength, UInt64(b.count - 1 - nonceLength),
                    ad, UInt64(ad.count),
                    b.baseAddress! + 1, k.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        guard rc == 0 else {
            throw CryptoError(.authenticationFailed, "sealed value for \(context.table)/\(context.key) failed authentication")
        }
        return plain
    }
}
