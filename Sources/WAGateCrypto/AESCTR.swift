import COpenSSL

/// AES-256 in counter mode (NIST SP 800-38A §6.5), through OpenSSL's EVP interface.
///
/// The 16-byte IV is the initial counter block, incremented as one 128-bit big-endian integer per
/// block. CTR is a stream cipher: encryption and decryption are the same operation, the output is as
/// long as the input, and nothing is authenticated — a wrong key or altered ciphertext decrypts to
/// garbage without any error. WhatsApp's phone-number pairing uses it to hide ephemeral public keys
/// (reference §4.4), where a wrong key only shows later, as a failed AES-GCM open.
///
/// ```swift
/// let hidden = try AESCTR.encrypt(publicKey, key: codeKey, iv: iv)
/// let shown = try AESCTR.decrypt(hidden, key: codeKey, iv: iv)
/// ```
public enum AESCTR {
    /// Key length in bytes (AES-256).
    public static let keyCount = 32
    /// IV (initial counter block) length in bytes.
    public static let ivCount = 16

    /// Encrypts `plaintext`.
    /// - Parameters:
    ///   - plaintext: the bytes to encrypt (may be empty).
    ///   - key: a 32-byte key.
    ///   - iv: the 16-byte initial counter block, never reused with the same key.
    /// - Returns: the ciphertext, as long as `plaintext`.
    /// - Throws: `CryptoError.invalidKey` for a wrong key or IV length; `.libraryUnavailable` when OpenSSL fails.
    public static func encrypt(_ plaintext: some Collection<UInt8>, key: SecretBytes, iv: some Collection<UInt8>) throws -> [UInt8] {
        try apply(Array(plaintext), key: key, iv: Array(iv))
    }

    /// Decrypts `ciphertext` (the same keystream XOR as `encrypt`).
    /// - Parameters:
    ///   - ciphertext: the bytes to decrypt (may be empty).
    ///   - key: the 32-byte key it was encrypted with.
    ///   - iv: the 16-byte initial counter block it was encrypted with.
    /// - Returns: the plaintext — garbage, not an error, when the key or IV is wrong.
    /// - Throws: `CryptoError.invalidKey` for a wrong key or IV length; `.libraryUnavailable` when OpenSSL fails.
    public static func decrypt(_ ciphertext: some Collection<UInt8>, key: SecretBytes, iv: some Collection<UInt8>) throws -> [UInt8] {
        try apply(Array(ciphertext), key: key, iv: Array(iv))
    }

    private static func apply(_ input: [UInt8], key: SecretBytes, iv: [UInt8]) throws -> [UInt8] {
        guard key.count == keyCount else { throw CryptoError(.invalidKey, "AES-256-CTR key must be \(keyCount) bytes, not \(key.count)") }
        guard iv.count == ivCount else { throw CryptoError(.invalidKey, "AES-CTR IV must be \(ivCount) bytes, not \(iv.count)") }
        guard input.count <= Int(Int32.max) else {
            throw CryptoError(.invalidKey, "AES-CTR input must be shorter than 2 GiB, not \(input.count) bytes")
        }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw OpenSSL.error("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(ctx) }  // also wipes the expanded key schedule
        try key.withUnsafeBytes { k in
            guard EVP_EncryptInit_ex(ctx, EVP_aes_256_ctr(), nil, k.baseAddress!.assumingMemoryBound(to: UInt8.self), iv) == 1 else {
                throw OpenSSL.error("EVP_EncryptInit_ex(AES-256-CTR)")
            }
        }
        // One spare byte so the output pointer is valid even for empty input.
        var out = [UInt8](repeating: 0, count: input.count + 1)
        var total = 0
        try out.withUnsafeMutableBufferPointer { o in
            var written: Int32 = 0
            if !input.isEmpty {
                guard EVP_EncryptUpdate(ctx, o.baseAddress, &written, input, Int32(input.count)) == 1 else {
                    throw OpenSSL.error("EVP_EncryptUpdate(AES-256-CTR)")
                }
                total = Int(written)
            }
            guard EVP_EncryptFinal_ex(ctx, o.baseAddress! + total, &written) == 1 else { throw OpenSSL.error("EVP_EncryptFinal_ex(AES-256-CTR)") }
            total += Int(written)
        }
        guard total == input.count else {
            throw CryptoError(.libraryUnavailable, "AES-256-CTR produced \(total) bytes for \(input.count) bytes of input")
        }
        out.removeLast()
        return out
    }
}
