import COpenSSL
import CSodium

/// PBKDF2 with HMAC-SHA256 (RFC 8018 §5.2), through OpenSSL's `PKCS5_PBKDF2_HMAC`.
///
/// WhatsApp's phone-number pairing stretches the 8-character linking code with it (131072 iterations,
/// reference §4.4) into the AES-256-CTR key that hides each side's ephemeral public key.
///
/// ```swift
/// let key = try PBKDF2.sha256(password: Array("ABCD1234".utf8), salt: salt, iterations: 131_072, length: 32)
/// ```
public enum PBKDF2 {
    /// Derives `length` bytes from `password` and `salt`.
    /// - Parameters:
    ///   - password: the password bytes (may be empty).
    ///   - salt: the salt (may be empty).
    ///   - iterations: the iteration count, at least 1.
    ///   - length: the output length, at least 1 byte.
    /// - Returns: the derived key, in secure memory.
    /// - Throws: `CryptoError.invalidKey` for an iteration count or length out of range;
    ///   `.libraryUnavailable` when OpenSSL fails.
    public static func sha256(
        password: some Collection<UInt8>, salt: some Collection<UInt8>, iterations: Int, length: Int
    ) throws -> SecretBytes {
        // OpenSSL takes Int32 lengths and counts; refuse what would not fit rather than truncate.
        guard (1...Int(Int32.max)).contains(iterations) else {
            throw CryptoError(.invalidKey, "PBKDF2 iteration count must be 1...\(Int32.max), not \(iterations)")
        }
        guard (1...(1 << 20)).contains(length) else {
            throw CryptoError(.invalidKey, "PBKDF2 output must be 1...\(1 << 20) bytes, not \(length)")
        }
        var password = Array(password)
        defer { SecretBytes.wipe(&password) }
        let salt = Array(salt)
        guard password.count <= Int(Int32.max), salt.count <= Int(Int32.max) else {
            throw CryptoError(.invalidKey, "PBKDF2 password and salt must each be shorter than 2 GiB")
        }
        // Derive into a temporary buffer that is wiped before it is released; only SecretBytes keeps the result.
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { out in
            defer { sodium_memzero(out.baseAddress!, length) }
            let rc = OpenSSL.withBytes(password) { p, pCount in
                OpenSSL.withBytes(salt) { s, sCount in
                    // OpenSSL declares the password as `const char *`; the bytes are the same.
                    p.withMemoryRebound(to: CChar.self, capacity: max(pCount, 1)) { chars in
                        PKCS5_PBKDF2_HMAC(
                            chars, Int32(pCount), s, Int32(sCount), Int32(iterations), EVP_sha256(), Int32(length), out.baseAddress)
                    }
                }
            }
            guard rc == 1 else { throw OpenSSL.error("PKCS5_PBKDF2_HMAC(SHA-256)") }
            return try SecretBytes(copying: UnsafeBufferPointer(out))
        }
    }
}
