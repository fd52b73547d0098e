import COpenSSL

/// SHA-256 (FIPS 180-4), through OpenSSL.
///
/// ```swift
/// let digest = SHA256.hash(Array("abc".utf8))   // 32 bytes, ba7816bf…
/// ```
public enum SHA256 {
    /// Digest length in bytes.
    public static let digestCount = 32

    /// The SHA-256 digest of `data`.
    /// - Parameter data: the bytes to hash (may be empty).
    /// - Returns: the 32-byte digest.
    public static func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        hash(parts: [Array(data)])
    }

    /// The SHA-256 digest of the concatenation of `parts`, without building the concatenation.
    /// - Parameter parts: byte strings hashed in order (`SHA256(parts[0] ‖ parts[1] ‖ …)`).
    /// - Returns: the 32-byte digest.
    public static func hash(parts: [[UInt8]]) -> [UInt8] {
        // Digest contexts only fail on allocation failure or a missing provider: both are fatal
        // misconfigurations of the process rather than conditions a caller could handle.
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestInit_ex(ctx, EVP_sha256(), nil) == 1 else { fatalError("\(OpenSSL.error("EVP_DigestInit_ex(SHA256)"))") }
        for part in parts {
            let ok = OpenSSL.withBytes(part) { p, n in EVP_DigestUpdate(ctx, p, n) }
            precondition(ok == 1, "EVP_DigestUpdate failed")
        }
        var digest = [UInt8](repeating: 0, count: digestCount)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(ctx, &digest, &length) == 1, Int(length) == digestCount else {
            fatalError("\(OpenSSL.error("EVP_DigestFinal_ex(SHA256)"))")
        }
        return digest
    }
}
