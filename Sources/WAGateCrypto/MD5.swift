import COpenSSL

/// MD5, through OpenSSL. Not for security: WhatsApp's registration payload carries MD5 of the client
/// version string as a "build hash", and that is its only use here.
public enum MD5 {
    /// Digest length in bytes.
    public static let digestCount = 16

    /// The MD5 digest of `data`.
    public static func hash(_ data: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: digestCount)
        var length: UInt32 = 0
        let ok = OpenSSL.withBytes(data) { p, n in EVP_Digest(p, n, &digest, &length, EVP_md5(), nil) }
        // EVP_Digest fails only without a default provider, a broken installation, not an input error.
        precondition(ok == 1 && Int(length) == digestCount, "EVP_Digest(MD5) failed")
        return digest
    }
}
