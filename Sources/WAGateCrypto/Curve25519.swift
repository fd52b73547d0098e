import CSodium

/// X25519 (RFC 7748) key pairs and Diffie-Hellman, through libsodium.
///
/// Public keys are raw 32-byte Montgomery u-coordinates (no `05` type prefix: callers that speak
/// Signal's 33-byte form add or strip it themselves). Private keys stay in `SecretBytes`.
///
/// ```swift
/// let mine = try Curve25519.KeyPair.generate()
/// let shared = try Curve25519.sharedSecret(privateKey: mine.privateKey, publicKey: theirPublicKey)
/// ```
public enum Curve25519 {
    /// Length of private keys, public keys and shared secrets in bytes.
    public static let keyCount = 32

    /// An X25519 key pair.
    public struct KeyPair: Sendable {
        /// The 32-byte private scalar (clamped, so it is also a valid XEdDSA signing key).
        public let privateKey: SecretBytes
        /// The 32-byte public key (u-coordinate).
        public let publicKey: [UInt8]

        /// A fresh random key pair.
        /// - Throws: `CryptoError.libraryUnavailable` when libsodium cannot initialise.
        public static func generate() throws -> KeyPair {
            let raw = try SecretBytes.random(count: keyCount)
            var clamped = raw.copyBytes()
            defer { SecretBytes.wipe(&clamped) }
            Curve25519.clamp(&clamped)
            return try KeyPair(privateKey: SecretBytes(copying: clamped))
        }

        /// The key pair of an existing private key (a stored noise or identity key).
        /// - Parameter privateKey: 32 bytes; libsodium clamps when it multiplies, so unclamped keys work too.
        /// - Throws: `CryptoError.invalidKey` when the key is not 32 bytes.
        public init(privateKey: SecretBytes) throws {
            self.privateKey = privateKey
            self.publicKey = try Curve25519.publicKey(for: privateKey)
        }
    }

    /// The public key of `privateKey`: X25519(k, 9).
    /// - Throws: `CryptoError.invalidKey` when the key is not 32 bytes.
    public static func publicKey(for privateKey: SecretBytes) throws -> [UInt8] {
        try Sodium.ensureInitialised()
        guard privateKey.count == keyCount else {
            throw CryptoError(.invalidKey, "X25519 private key must be \(keyCount) bytes, not \(privateKey.count)")
        }
        var pub = [UInt8](repeating: 0, count: keyCount)
        let rc = privateKey.withUnsafeBytes { k in
            crypto_scalarmult_curve25519_base(&pub, k.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard rc == 0 else { throw CryptoError(.invalidKey, "X25519 base-point multiplication failed") }
        return pub
    }

    /// X25519 Diffie-Hellman: the shared secret of our private key and their public key.
    /// - Parameters:
    ///   - privateKey: our 32-byte private key.
    ///   - publicKey: their 32-byte public key.
    /// - Returns: the 32-byte shared secret, in secure memory.
    /// - Throws: `CryptoError.invalidKey` for wrong lengths, and when the result is all zeros: their key
    ///   is a small-order point that would let them force a known secret (RFC 7748 §6.1).
    public static func sharedSecret(privateKey: SecretBytes, publicKey: some Collection<UInt8>) throws -> SecretBytes {
        try Sodium.ensureInitialised()
        let peer = Array(publicKey)
        guard privateKey.count == keyCount else {
            throw CryptoError(.invalidKey, "X25519 private key must be \(keyCount) bytes, not \(privateKey.count)")
        }
        guard peer.count == keyCount else { throw CryptoError(.invalidKey, "X25519 public key must be \(keyCount) bytes, not \(peer.count)") }
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: keyCount) { out in
            defer { sodium_memzero(out.baseAddress!, keyCount) }
            // libsodium returns -1 exactly when the output is all zeros (a small-order peer key).
            let rc = privateKey.withUnsafeBytes { k in
                crypto_scalarmult_curve25519(out.baseAddress!, k.baseAddress!.assumingMemoryBound(to: UInt8.self), peer)
            }
            guard rc == 0 else {
                throw CryptoError(.invalidKey, "X25519 shared secret is all zeros: the peer's public key is a small-order point")
            }
            return try SecretBytes(copying: UnsafeBufferPointer(out))
        }
    }

    /// Clamps a private scalar as RFC 7748 §5 decodes it: clears the 3 low bits and the top bit, sets bit 254.
    static func clamp(_ key: inout [UInt8]) {
        key[0] &= 248
        key[31] &= 127
        key[31] |= 64
    }
}
