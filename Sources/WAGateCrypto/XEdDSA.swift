import COpenSSL
import CSodium

/// XEdDSA signatures with X25519 keys, in the variant libsignal (and so WhatsApp) uses.
///
/// libsignal's variant differs from the XEdDSA paper: the private scalar is never negated, the hash
/// uses the Edwards public key with its real sign bit, and that sign bit travels in the top bit of
/// `signature[63]` so a verifier holding only the Montgomery u-coordinate can rebuild the Edwards key.
/// Verification is then ordinary Ed25519 (libsodium's strict verifier).
///
/// libsodium has the Edwards group operations but no field inversion, which the u → y conversion
/// needs, so that one step uses OpenSSL's `BIGNUM` on public data.
///
/// ```swift
/// let signature = try XEdDSA.sign(message, privateKey: identity.privateKey)
/// let ok = XEdDSA.isValidSignature(signature, for: message, publicKey: identity.publicKey)
/// ```
public enum XEdDSA {
    /// Length of a signature in bytes: `R (32) ‖ s (32)`, with the Edwards sign bit in bit 7 of byte 63.
    public static let signatureCount = 64
    /// Length of the random input to signing.
    public static let randomCount = 64

    /// Signs `message` with an X25519 private key.
    /// - Parameters:
    ///   - message: the signed bytes.
    ///   - privateKey: the 32-byte X25519 private key (clamped here if it is not already).
    ///   - random: 64 random bytes; `nil` draws them from the system CSPRNG. Tests pass fixed bytes.
    /// - Returns: the 64-byte signature.
    /// - Throws: `CryptoError.invalidKey` for a wrong key or random length.
    public static func sign(_ message: some Collection<UInt8>, privateKey: SecretBytes, random: [UInt8]? = nil) throws -> [UInt8] {
        try Sodium.ensureInitialised()
        guard privateKey.count == 32 else { throw CryptoError(.invalidKey, "XEdDSA private key must be 32 bytes, not \(privateKey.count)") }
        let z = try random ?? Sodium.randomBytes(randomCount)
        guard z.count == randomCount else { throw CryptoError(.invalidKey, "XEdDSA signing needs \(randomCount) random bytes, not \(z.count)") }
        let message = Array(message)

        // Secret intermediates live in one wiped scratch area: key(32) a(32) wide(64) r(32) ha(32).
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 192) { scratch in
            let base = scratch.baseAddress!
            defer { sodium_memzero(base, 192) }
            let key = base, a = base + 32, wide = base + 64, r = base + 128, ha = base + 160
            privateKey.withUnsafeBytes { k in key.update(from: k.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 32) }
            key[0] &= 248
            key[31] &= 127
            key[31] |= 64

            // a = key mod L; E = a·B (same point as key·B, because B has order L).
            wide.update(from: key, count: 32)
            (wide + 32).update(repeating: 0, count: 32)
            crypto_core_ed25519_scalar_reduce(a, wide)
            var edwardsPublic = [UInt8](repeating: 0, count: 32)
            guard crypto_scalarmult_ed25519_base_noclamp(&edwardsPublic, a) == 0 else {
                throw CryptoError(.invalidKey, "XEdDSA private key reduces to zero")
            }
            let signBit = edwardsPublic[31] & 0x80

            // r = SHA-512(0xFE ‖ 0xFF×31 ‖ key ‖ M ‖ Z) mod L; R = r·B.
            var state = crypto_hash_sha512_state()
            crypto_hash_sha512_init(&state)
            let prefix: [UInt8] = [0xFE] + [UInt8](repeating: 0xFF, count: 31)
            crypto_hash_sha512_update(&state, prefix, 32)
            crypto_hash_sha512_update(&state, key, 32)
            updateSHA512(&state, message)
            crypto_hash_sha512_update(&state, z, UInt64(z.count))
            crypto_hash_sha512_final(&state, wide)
            crypto_core_ed25519_scalar_reduce(r, wide)
            var signature = [UInt8](repeating: 0, count: signatureCount)
            guard crypto_scalarmult_ed25519_base_noclamp(&signature, r) == 0 else {
                throw CryptoError(.libraryUnavailable, "XEdDSA nonce point is the identity")
            }

            // h = SHA-512(R ‖ E ‖ M) mod L; s = h·a + r.
            var hashState = crypto_hash_sha512_state()
            crypto_hash_sha512_init(&hashState)
            crypto_hash_sha512_update(&hashState, signature, 32)
            crypto_hash_sha512_update(&hashState, edwardsPublic, 32)
            updateSHA512(&hashState, message)
            var h64 = [UInt8](repeating: 0, count: 64)
            crypto_hash_sha512_final(&hashState, &h64)
            var h = [UInt8](repeating: 0, count: 32)
            crypto_core_ed25519_scalar_reduce(&h, h64)
            crypto_core_ed25519_scalar_mul(ha, h, a)
            signature.withUnsafeMutableBufferPointer { sig in
                crypto_core_ed25519_scalar_add(sig.baseAddress! + 32, ha, r)
            }
            // s < L < 2^253, so bit 7 of byte 63 is free for E's sign bit.
            signature[63] = (signature[63] & 0x7F) | signBit
            return signature
        }
    }

    /// Checks a signature made by `sign` (or by libsignal / WhatsApp) with the signer's X25519 public key.
    /// - Parameters:
    ///   - signature: 64 bytes.
    ///   - message: the signed bytes.
    ///   - publicKey: the signer's raw 32-byte X25519 public key (strip Signal's `05` prefix first).
    /// - Returns: true only for a valid signature; false for any malformed input.
    public static func isValidSignature(
        _ signature: some Collection<UInt8>, for message: some Collection<UInt8>, publicKey: some Collection<UInt8>
    ) -> Bool {
        guard (try? Sodium.ensureInitialised()) != nil else { return false }
        var sig = Array(signature)
        var u = Array(publicKey)
        guard sig.count == signatureCount, u.count == 32 else { return false }
        // The Montgomery u-coordinate is 255 bits; its top bit carries nothing.
        u[31] &= 0x7F
        guard var edwards = edwardsY(fromMontgomeryU: u) else { return false }
        edwards[31] |= sig[63] & 0x80
        sig[63] &= 0x7F
        // A canonical s is below L < 2^253; libsodium also rejects larger ones, this just fails early.
        guard sig[63] & 0xE0 == 0 else { return false }
        let message = Array(message)
        return crypto_sign_ed25519_verify_detached(sig, message, UInt64(message.count), edwards) == 0
    }

    private static func updateSHA512(_ state: inout crypto_hash_sha512_state, _ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        crypto_hash_sha512_update(&state, bytes, UInt64(bytes.count))
    }

    /// The birational map y = (u − 1) / (u + 1) mod 2^255 − 19, as 32 little-endian bytes; nil when
    /// u + 1 ≡ 0 (no Edwards point) or OpenSSL fails.
    static func edwardsY(fromMontgomeryU u: [UInt8]) -> [UInt8]? {
        guard let ctx = BN_CTX_new() else { return nil }
        defer { BN_CTX_free(ctx) }
        // p = 2^255 - 19, little-endian.
        let pBytes: [UInt8] = [0xED] + [UInt8](repeating: 0xFF, count: 30) + [0x7F]
        guard let p = BN_lebin2bn(pBytes, 32, nil), let bu = BN_lebin2bn(u, 32, nil),
            let numerator = BN_new(), let denominator = BN_new(), let y = BN_new()
        else { return nil }
        defer { [p, bu, numerator, denominator, y].forEach { BN_free($0) } }
        guard BN_mod_sub(numerator, bu, BN_value_one(), p, ctx) == 1,
            BN_mod_add(denominator, bu, BN_value_one(), p, ctx) == 1,
            BN_is_zero(denominator) == 0,
            let inverse = BN_mod_inverse(nil, denominator, p, ctx)
        else { return nil }
        defer { BN_free(inverse) }
        guard BN_mod_mul(y, numerator, inverse, p, ctx) == 1 else { return nil }
        var out = [UInt8](repeating: 0, count: 32)
        guard BN_bn2lebinpad(y, &out, 32) == 32 else { return nil }
        return out
    }
}
