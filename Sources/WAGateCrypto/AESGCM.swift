import COpenSSL

/// AES-256-GCM authenticated encryption, through OpenSSL's EVP interface.
///
/// Output layout is `ciphertext ‖ tag (16)`, as Noise and WhatsApp's transport expect.
///
/// ```swift
/// let sealed = try AESGCM.seal(plaintext, key: key, nonce: nonce, authenticating: ad)
/// let opened = try AESGCM.open(sealed, key: key, nonce: nonce, authenticating: ad)
/// ```
public enum AESGCM {
    /// Key length in bytes (AES-256).
    public static let keyCount = 32
    /// Nonce (IV) length in bytes; 96 bits is the length GCM is designed for.
    public static let nonceCount = 12
    /// Authentication tag length in bytes.
    public static let tagCount = 16

    /// Encrypts and authenticates `plaintext`, and authenticates `ad`.
    /// - Parameters:
    ///   - plaintext: the bytes to encrypt (may be empty).
    ///   - key: a 32-byte key.
    ///   - nonce: a 12-byte nonce, never reused with the same key.
    ///   - ad: associated data, authenticated but not encrypted (may be empty).
    /// - Returns: `ciphertext ‖ tag`, 16 bytes longer than `plaintext`.
    /// - Throws: `CryptoError.invalidKey` for a wrong key or nonce length; `.libraryUnavailable` when OpenSSL fails.
    public static func seal(
        _ plaintext: some Collection<UInt8>, key: SecretBytes, nonce: some Collection<UInt8>, authenticating ad: some Collection<UInt8> = [UInt8]()
    ) throws -> [UInt8] {
        let (nonce, input, ad) = (Array(nonce), Array(plaintext), Array(ad))
        try check(key: key, nonce: nonce)
        guard let ctx = EVP_CIPHER_CTX_new() else { throw OpenSSL.error("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(ctx) }  // also wipes the expanded key schedule
        var out = [UInt8](repeating: 0, count: input.count + tagCount)
        try key.withUnsafeBytes { k in
            guard EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nil, nil, nil) == 1,
                EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(nonceCount), nil) == 1,
                EVP_EncryptInit_ex(ctx, nil, nil, k.baseAddress!.assumingMemoryBound(to: UInt8.self), nonce) == 1
            else { throw OpenSSL.error("EVP_EncryptInit_ex(AES-256-GCM)") }
        }
        var written: Int32 = 0
        if !ad.isEmpty {
            guard EVP_EncryptUpdate(ctx, nil, &written, ad, Int32(ad.count)) == 1 else { throw OpenSSL.error("EVP_EncryptUpdate(AAD)") }
        }
        var total = 0
        try out.withUnsafeMutableBufferPointer { o in
            if !input.isEmpty {
                guard EVP_EncryptUpdate(ctx, o.baseAddress, &written, input, Int32(input.count)) == 1 else {
                    throw OpenSSL.error("EVP_EncryptUpdate")
                }
                total = Int(written)
            }
            guard EVP_EncryptFinal_ex(ctx, o.baseAddress! + total, &written) == 1 else { throw OpenSSL.error("EVP_EncryptFinal_ex") }
            total += Int(written)
            guard total == input.count,
                EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, Int32(tagCount), o.baseAddress! + total) == 1
            else { throw OpenSSL.error("EVP_CTRL_GCM_GET_TAG") }
        }
        return out
    }

    /// Checks and decrypts `ciphertext ‖ tag`.
    /// - Parameters:
    ///   - sealed: the output of `seal`: ciphertext followed by the 16-byte tag.
    ///   - key: the 32-byte key it was sealed with.
    ///   - nonce: the 12-byte nonce it was sealed with.
    ///   - ad: the associated data it was sealed with.
    /// - Returns: the plaintext.
    /// - Throws: `CryptoError.authenticationFailed` when the ciphertext, tag, nonce, key or associated data
    ///   differ from sealing time; `.malformed` when the input is shorter than a tag.
    public static func open(
        _ sealed: some Collection<UInt8>, key: SecretBytes, nonce: some Collection<UInt8>, authenticating ad: some Collection<UInt8> = [UInt8]()
    ) throws -> [UInt8] {
        let (nonce, input, ad) = (Array(nonce), Array(sealed), Array(ad))
        try check(key: key, nonce: nonce)
        guard input.count >= tagCount else {
            throw CryptoError(.malformed, "AES-GCM input is \(input.count) bytes, shorter than its \(tagCount)-byte tag")
        }
        let bodyCount = input.count - tagCount
        guard let ctx = EVP_CIPHER_CTX_new() else { throw OpenSSL.error("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(ctx) }  // also wipes the expanded key schedule
        try key.withUnsafeBytes { k in
            guard EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nil, nil, nil) == 1,
                EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(nonceCount), nil) == 1,
                EVP_DecryptInit_ex(ctx, nil, nil, k.baseAddress!.assumingMemoryBound(to: UInt8.self), nonce) == 1
            else { throw OpenSSL.error("EVP_DecryptInit_ex(AES-256-GCM)") }
        }
        var written: Int32 = 0
        if !ad.isEmpty {
            guard EVP_DecryptUpdate(ctx, nil, &written, ad, Int32(ad.count)) == 1 else { throw OpenSSL.error("EVP_DecryptUpdate(AAD)") }
        }
        var out = [UInt8](repeating: 0, count: max(bodyCount, 1))
        var total = 0
        let authentic = try input.withUnsafeBufferPointer { i -> Bool in
            try out.withUnsafeMutableBufferPointer { o -> Bool in
                if bodyCount > 0 {
                    guard EVP_DecryptUpdate(ctx, o.baseAddress, &written, i.baseAddress, Int32(bodyCount)) == 1 else {
                        throw OpenSSL.error("EVP_DecryptUpdate")
                    }
                    total = Int(written)
                }
                // SET_TAG copies the tag; the pointer only needs to live for this call.
                let tag = UnsafeMutableRawPointer(mutating: i.baseAddress! + bodyCount)
                guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, Int32(tagCount), tag) == 1 else {
                    throw OpenSSL.error("EVP_CTRL_GCM_SET_TAG")
                }
                // Final fails exactly when the tag does not match; that is not a library error.
                let ok = EVP_DecryptFinal_ex(ctx, o.baseAddress! + total, &written) == 1
                while copenssl_last_error(nil, 0) != 0 {}
                return ok
            }
        }
        guard authentic else {
            SecretBytes.wipe(&out)
            throw CryptoError(.authenticationFailed, "AES-GCM authentication failed (wrong key, nonce or associated data, or altered ciphertext)")
        }
        return bodyCount == 0 ? [] : out
    }

    private static func check(key: SecretBytes, nonce: [UInt8]) throws {
        guard key.count == keyCount else { throw CryptoError(.invalidKey, "AES-256-GCM key must be \(keyCount) bytes, not \(key.count)") }
        guard nonce.count == nonceCount else {
            throw CryptoError(.invalidKey, "AES-GCM nonce must be \(nonceCount) bytes, not \(nonce.count)")
        }
    }
}
