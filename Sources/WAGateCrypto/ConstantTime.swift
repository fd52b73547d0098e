import COpenSSL

/// Comparisons whose running time does not depend on where two byte strings differ, for checking
/// values an attacker guesses at (webhook verify tokens, signatures).
///
/// ```swift
/// ConstantTime.equals(Array(given.utf8), Array(configured.utf8))
/// ```
public enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes.
    ///
    /// Both sides are hashed with SHA-256 first and the digests compared with `CRYPTO_memcmp`, so
    /// neither the position of the first difference nor the length of the secret side leaks through
    /// timing (a plain length check would tell an attacker how long the token is).
    /// - Returns: true when the byte strings are equal.
    public static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        let left = SHA256.hash(a)
        let right = SHA256.hash(b)
        // Equal digests of unequal inputs would be a SHA-256 collision.
        return CRYPTO_memcmp(left, right, SHA256.digestCount) == 0
    }

    /// Whether `a` and `b` are equal as UTF-8 text, compared in constant time.
    public static func equals(_ a: String, _ b: String) -> Bool {
        equals(Array(a.utf8), Array(b.utf8))
    }
}
