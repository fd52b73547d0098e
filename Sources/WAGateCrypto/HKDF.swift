import COpenSSL
import CSodium

/// HKDF with SHA-256 (RFC 5869), through OpenSSL's `EVP_KDF` "HKDF".
///
/// The Noise handshake uses it for MixKey (`salt = ck`, `ikm = DH output`, empty info, 64 bytes) and
/// Split (`salt = ck`, empty ikm); Signal and media keys use it with info strings.
///
/// ```swift
/// let okm = try HKDF.sha256(ikm: shared, salt: chainingKey, info: [], outputCount: 64)
/// ```
public enum HKDF {
    /// The largest output RFC 5869 allows for SHA-256 (255 · HashLen).
    public static let maximumOutputCount = 255 * 32

    /// Derives `outputCount` bytes.
    /// - Parameters:
    ///   - ikm: input keying material (may be empty).
    ///   - salt: the extract salt; empty means 32 zero bytes, as in the RFC.
    ///   - info: context for the expand step (may be empty).
    ///   - outputCount: 1 ... 8160 bytes.
    /// - Returns: the output keying material, in secure memory.
    /// - Throws: `CryptoError.invalidKey` for an output length outside the RFC's range;
    ///   `.libraryUnavailable` when OpenSSL fails.
    public static func sha256(ikm: SecretBytes, salt: some Collection<UInt8>, info: some Collection<UInt8>, outputCount: Int) throws -> SecretBytes {
        try ikm.withUnsafeBytes { i in try derive(ikm: i, salt: Array(salt), info: Array(info), outputCount: outputCount) }
    }

    /// Derives `outputCount` bytes with a secret salt (a Noise chaining key).
    public static func sha256(ikm: SecretBytes, salt: SecretBytes, info: some Collection<UInt8>, outputCount: Int) throws -> SecretBytes {
        try ikm.withUnsafeBytes { i in
            try salt.withUnsafeBytes { s in try derive(ikm: i, salt: s, info: Array(info), outputCount: outputCount) }
        }
    }

    /// Derives `outputCount` bytes from input keying material held in an ordinary array (test vectors,
    /// or the empty IKM of Noise's Split).
    public static func sha256(ikm: [UInt8], salt: some Collection<UInt8>, info: some Collection<UInt8>, outputCount: Int) throws -> SecretBytes {
        try ikm.withUnsafeBytes { i in try derive(ikm: i, salt: Array(salt), info: Array(info), outputCount: outputCount) }
    }

    /// Derives from an empty IKM with a secret salt: Noise's Split.
    public static func sha256(ikm: [UInt8], salt: SecretBytes, info: some Collection<UInt8>, outputCount: Int) throws -> SecretBytes {
        try ikm.withUnsafeBytes { i in
            try salt.withUnsafeBytes { s in try derive(ikm: i, salt: s, info: Array(info), outputCount: outputCount) }
        }
    }

    private static func derive(ikm: UnsafeRawBufferPointer, salt: [UInt8], info: [UInt8], outputCount: Int) throws -> SecretBytes {
        try salt.withUnsafeBytes { s in try derive(ikm: ikm, salt: s, info: info, outputCount: outputCount) }
    }

    private static func derive(ikm: UnsafeRawBufferPointer, salt: UnsafeRawBufferPointer, info: [UInt8], outputCount: Int) throws -> SecretBytes {
        guard (1...maximumOutputCount).contains(outputCount) else {
            throw CryptoError(.invalidKey, "HKDF-SHA256 output must be 1...\(maximumOutputCount) bytes, not \(outputCount)")
        }
        // Derive into a temporary buffer that is wiped before it is released; only SecretBytes keeps the result.
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: outputCount) { out in
            defer { sodium_memzero(out.baseAddress!, outputCount) }
            let rc = info.withUnsafeBytes { n in
                copenssl_hkdf_sha256(
                    salt.baseAddress?.assumingMemoryBound(to: UInt8.self), salt.count,
                    ikm.baseAddress?.assumingMemoryBound(to: UInt8.self), ikm.count,
                    n.baseAddress?.assumingMemoryBound(to: UInt8.self), n.count,
                    out.baseAddress, outputCount)
            }
            guard rc == 1 else { throw OpenSSL.error("EVP_KDF_derive(HKDF-SHA256)") }
            return try SecretBytes(copying: UnsafeBufferPointer(out))
        }
    }
}
