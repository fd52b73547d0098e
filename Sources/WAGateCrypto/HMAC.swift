import COpenSSL

/// HMAC-SHA256 (RFC 2104 / RFC 4231), through OpenSSL.
///
/// ```swift
/// let tag = HMAC.sha256(key: key, message: body)      // 32 bytes
/// let ok = HMAC.isValid(tag, sha256Key: key, message: body)
/// ```
public enum HMAC {
    /// Length of an HMAC-SHA256 tag in bytes.
    public static let sha256Count = 32

    /// HMAC-SHA256 of `message` under a secret key.
    /// - Parameters:
    ///   - key: the key, any length (longer than 64 bytes is hashed first, as the RFC says).
    ///   - message: the authenticated bytes.
    /// - Returns: the 32-byte tag.
    public static func sha256(key: SecretBytes, message: some Collection<UInt8>) -> [UInt8] {
        key.withUnsafeBytes { k in OpenSSL.withBytes(k) { kp, kn in compute(kp, kn, Array(message)) } }
    }

    /// HMAC-SHA256 of `message` under a key held in an ordinary array (for keys that are not secret,
    /// or test vectors).
    public static func sha256(key: [UInt8], message: some Collection<UInt8>) -> [UInt8] {
        OpenSSL.withBytes(key) { kp, kn in compute(kp, kn, Array(message)) }
    }

    /// Checks a tag in constant time.
    /// - Returns: true when `tag` is the HMAC-SHA256 of `message` under `key`.
    public static func isValid(_ tag: some Collection<UInt8>, sha256Key key: SecretBytes, message: some Collection<UInt8>) -> Bool {
        let expected = sha256(key: key, message: message)
        let given = Array(tag)
        guard given.count == expected.count else { return false }
        return CRYPTO_memcmp(given, expected, expected.count) == 0
    }

    private static func compute(_ key: UnsafePointer<UInt8>, _ keyCount: Int, _ message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: sha256Count)
        var length: UInt32 = 0
        let result = OpenSSL.withBytes(message) { mp, mn in
            COpenSSL.HMAC(EVP_sha256(), key, Int32(keyCount), mp, mn, &out, &length)
        }
        // HMAC() fails only when OpenSSL cannot allocate or has no SHA-256: a broken process, not an input error.
        guard result != nil, Int(length) == sha256Count else { fatalError("\(OpenSSL.error("HMAC(SHA256)"))") }
        return out
    }
}
