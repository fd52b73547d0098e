import COpenSSL
import CSignalProtocol
import WAGateCrypto

/// The crypto provider libsignal-protocol-c calls for randomness, HMAC-SHA256, SHA-512 and AES.
///
/// Each callback is a non-capturing closure (`@convention(c)`), so none of them needs `user_data`.
/// HMAC goes through `WAGateCrypto.HMAC` (the project's one HMAC implementation): the library only ever
/// uses an HMAC context for one short message (chain-key steps, HKDF blocks, a message MAC) and then
/// frees it, so the provider buffers the input and computes the tag in `final`. SHA-512 and AES have
/// no incremental/CBC counterpart in WAGateCrypto and use OpenSSL's EVP interface directly.
enum OpenSSLCryptoProvider {
    /// Our own result code for an OpenSSL failure that is not the input's fault. The reference asks
    /// for codes below `SG_ERR_MINIMUM` (-9999) so they never collide with the library's.
    static let openSSLFailure: Int32 = SG_ERR_MINIMUM - 1

    /// A provider with all eleven callbacks set (the library asserts on missing ones at first use).
    static func make() -> signal_crypto_provider {
        var provider = signal_crypto_provider()
        provider.random_func = { data, count, _ in
            guard count > 0 else { return SG_SUCCESS }
            guard let data else { return SG_ERR_INVAL }
            var offset = 0
            while offset < count {
                let chunk = min(count - offset, Int(Int32.max))
                guard RAND_bytes(data + offset, Int32(chunk)) == 1 else { return OpenSSLCryptoProvider.openSSLFailure }
                offset += chunk
            }
            return SG_SUCCESS
        }

        // MARK: HMAC-SHA256
        provider.hmac_sha256_init_func = { context, key, keyCount, _ in
            guard let context else { return SG_ERR_INVAL }
            // HKDF calls cleanup even when init failed, so the slot must never hold garbage.
            context.pointee = nil
            // An HKDF without salt passes (NULL, 0): an empty key, which HMAC pads with zeros like any short key.
            let keyBytes =
                key != nil && keyCount > 0
                ? UnsafeBufferPointer(start: key, count: keyCount) : UnsafeBufferPointer<UInt8>(start: nil, count: 0)
            guard let secret = try? SecretBytes(copying: keyBytes) else { return SG_ERR_NOMEM }
            context.pointee = Unmanaged.passRetained(HMACState(key: secret)).toOpaque()
            return SG_SUCCESS
        }
        provider.hmac_sha256_update_func = { context, data, count, _ in
            guard let context else { return SG_ERR_INVAL }
            guard count > 0 else { return SG_SUCCESS }
            guard let data else { return SG_ERR_INVAL }
            Unmanaged<HMACState>.fromOpaque(context).takeUnretainedValue().message
                .append(contentsOf: UnsafeBufferPointer(start: data, count: count))
            return SG_SUCCESS
        }
        provider.hmac_sha256_final_func = { context, output, _ in
            guard let context, let output else { return SG_ERR_INVAL }
            let state = Unmanaged<HMACState>.fromOpaque(context).takeUnretainedValue()
            var tag = HMAC.sha256(key: state.key, message: state.message)
            defer { SecretBytes.wipe(&tag) }
            output.pointee = signal_buffer_create(tag, tag.count)
            return output.pointee == nil ? SG_ERR_NOMEM : SG_SUCCESS
        }
        provider.hmac_sha256_cleanup_func = { context, _ in
            guard let context else { return }
            Unmanaged<HMACState>.fromOpaque(context).release()
        }

        // MARK: SHA-512
        provider.sha512_digest_init_func = { context, _ in
            guard let context else { return SG_ERR_INVAL }
            context.pointee = nil
            guard let digest = EVP_MD_CTX_new() else { return SG_ERR_NOMEM }
            guard EVP_DigestInit_ex(digest, EVP_sha512(), nil) == 1 else {
                EVP_MD_CTX_free(digest)
                return OpenSSLCryptoProvider.openSSLFailure
            }
            context.pointee = UnsafeMutableRawPointer(digest)
            return SG_SUCCESS
        }
        provider.sha512_digest_update_func = { context, data, count, _ in
            guard let context else { return SG_ERR_INVAL }
            guard count > 0 else { return SG_SUCCESS }
            guard let data else { return SG_ERR_INVAL }
            return EVP_DigestUpdate(OpaquePointer(context), data, count) == 1 ? SG_SUCCESS : OpenSSLCryptoProvider.openSSLFailure
        }
        provider.sha512_digest_final_func = { context, output, _ in
            guard let context, let output else { return SG_ERR_INVAL }
            let digest = OpaquePointer(context)
            var value = [UInt8](repeating: 0, count: 64)
            var length: UInt32 = 0
            // The fingerprint code hashes in a loop on one context: finalising must leave it ready for reuse.
            guard EVP_DigestFinal_ex(digest, &value, &length) == 1, Int(length) == value.count,
                EVP_DigestInit_ex(digest, EVP_sha512(), nil) == 1
            else { return OpenSSLCryptoProvider.openSSLFailure }
            output.pointee = signal_buffer_create(value, value.count)
            return output.pointee == nil ? SG_ERR_NOMEM : SG_SUCCESS
        }
        provider.sha512_digest_cleanup_func = { context, _ in
            guard let context else { return }
            EVP_MD_CTX_free(OpaquePointer(context))
        }

        // MARK: AES
        provider.encrypt_func = { output, cipher, key, keyCount, iv, ivCount, input, inputCount, _ in
            OpenSSLCryptoProvider.crypt(
                encrypt: true, output: output, cipher: cipher, key: key, keyCount: keyCount, iv: iv, ivCount: ivCount,
                input: input, inputCount: inputCount)
        }
        provider.decrypt_func = { output, cipher, key, keyCount, iv, ivCount, input, inputCount, _ in
            OpenSSLCryptoProvider.crypt(
                encrypt: false, output: output, cipher: cipher, key: key, keyCount: keyCount, iv: iv, ivCount: ivCount,
                input: input, inputCount: inputCount)
        }
        return provider
    }

    /// AES in the mode the library asks for: `SG_CIPHER_AES_CBC_PKCS5` (every v3 message) or
    /// `SG_CIPHER_AES_CTR_NOPADDING` (legacy v2 sessions only), AES-128/192/256 by key length.
    /// - Returns: `SG_SUCCESS` with `*output` allocated by `signal_buffer_create` (the library frees it);
    ///   `SG_ERR_INVAL` for a bad mode, key or IV length; `SG_ERR_INVALID_MESSAGE` when decryption fails
    ///   (bad PKCS#7 padding, or CBC input that is not whole blocks).
    static func crypt(
        encrypt: Bool, output: UnsafeMutablePointer<OpaquePointer?>?, cipher: Int32,
        key: UnsafePointer<UInt8>?, keyCount: Int, iv: UnsafePointer<UInt8>?, ivCount: Int,
        input: UnsafePointer<UInt8>?, inputCount: Int
    ) -> Int32 {
        guard let output, let key, let iv, ivCount == 16, inputCount >= 0, inputCount <= Int(Int32.max) - 32,
            inputCount == 0 || input != nil
        else { return SG_ERR_INVAL }
        let algorithm: OpaquePointer?
        switch (cipher, keyCount) {
        case (SG_CIPHER_AES_CBC_PKCS5, 16): algorithm = EVP_aes_128_cbc()
        case (SG_CIPHER_AES_CBC_PKCS5, 24): algorithm = EVP_aes_192_cbc()
        case (SG_CIPHER_AES_CBC_PKCS5, 32): algorithm = EVP_aes_256_cbc()
        case (SG_CIPHER_AES_CTR_NOPADDING, 16): algorithm = EVP_aes_128_ctr()
        case (SG_CIPHER_AES_CTR_NOPADDING, 24): algorithm = EVP_aes_192_ctr()
        case (SG_CIPHER_AES_CTR_NOPADDING, 32): algorithm = EVP_aes_256_ctr()
        default: return SG_ERR_INVAL
        }
        guard let algorithm, let context = EVP_CIPHER_CTX_new() else { return SG_ERR_NOMEM }
        defer { EVP_CIPHER_CTX_free(context) }  // also wipes the key schedule

        // One block of slack for the padding CBC encryption adds; the buffer may hold plaintext, so it is wiped.
        let capacity = inputCount + 32
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer {
            OPENSSL_cleanse(buffer, capacity)
            buffer.deallocate()
        }
        var updated: Int32 = 0
        var finished: Int32 = 0
        guard EVP_CipherInit_ex(context, algorithm, nil, key, iv, encrypt ? 1 : 0) == 1,
            EVP_CIPHER_CTX_set_padding(context, cipher == SG_CIPHER_AES_CBC_PKCS5 ? 1 : 0) == 1
        else {
            ERR_clear_error()
            return openSSLFailure
        }
        guard inputCount == 0 || EVP_CipherUpdate(context, buffer, &updated, input, Int32(inputCount)) == 1,
            EVP_CipherFinal_ex(context, buffer + Int(updated), &finished) == 1
        else {
            ERR_clear_error()
            // Encryption of well-formed input cannot fail this way; decryption does for corrupt padding.
            return encrypt ? openSSLFailure : SG_ERR_INVALID_MESSAGE
        }
        output.pointee = signal_buffer_create(buffer, Int(updated + finished))
        return output.pointee == nil ? SG_ERR_NOMEM : SG_SUCCESS
    }
}

/// One HMAC-SHA256 computation in progress: the key (in secure memory) and the input so far.
private final class HMACState {
    let key: SecretBytes
    var message: [UInt8] = []

    init(key: SecretBytes) {
        self.key = key
    }

    deinit {
        // The input can be secret (HKDF extracts over DH outputs): wipe it with the context.
        SecretBytes.wipe(&message)
    }
}
