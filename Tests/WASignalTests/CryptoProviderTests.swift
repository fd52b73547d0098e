import CSignalProtocol
import Testing
import WAGateCrypto

@testable import WASignal

/// The OpenSSL crypto provider's callbacks, called the way the library calls them, against published
/// vectors (NIST SP 800-38A, FIPS 180-2, RFC 4231). SHA-512 in particular is only used by the library's
/// fingerprint code, which no other test reaches.
@Suite struct CryptoProviderTests {
    let provider = OpenSSLCryptoProvider.make()

    private func hex(_ text: String) -> [UInt8] { Hex.decode(text) ?? [] }

    private func crypt(_ encrypt: Bool, _ cipher: Int32, key: [UInt8], iv: [UInt8], _ input: [UInt8]) -> (Int32, [UInt8]) {
        var output: OpaquePointer?
        let function = encrypt ? provider.encrypt_func! : provider.decrypt_func!
        let result = LibSignal.withBytes(input) { inputPointer, inputCount in
            function(&output, cipher, key, key.count, iv, iv.count, inputPointer, inputCount, nil)
        }
        return (result, LibSignal.consume(output))
    }

    @Test func aesCBCMatchesNISTAndUsesPKCS7() {
        let iv = hex("000102030405060708090a0b0c0d0e0f")
        let block = hex("6bc1bee22e409f96e93d7e117393172a")
        for (key, expected) in [
            ("2b7e151628aed2a6abf7158809cf4f3c", "7649abac8119b246cee98e9b12e9197d"),
            ("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", "f58c4c04d6e5f1ba779eabfb5f7bfbd6"),
        ] {
            let (result, ciphertext) = crypt(true, SG_CIPHER_AES_CBC_PKCS5, key: hex(key), iv: iv, block)
            #expect(result == SG_SUCCESS)
            #expect(ciphertext.count == 32)  // a whole block of padding after a whole-block input
            #expect(Array(ciphertext.prefix(16)) == hex(expected))
            let (decrypted, plaintext) = crypt(false, SG_CIPHER_AES_CBC_PKCS5, key: hex(key), iv: iv, ciphertext)
            #expect(decrypted == SG_SUCCESS)
            #expect(plaintext == block)
        }
        let (emptyResult, emptyCiphertext) = crypt(true, SG_CIPHER_AES_CBC_PKCS5, key: hex("2b7e151628aed2a6abf7158809cf4f3c"), iv: iv, [])
        #expect(emptyResult == SG_SUCCESS && emptyCiphertext.count == 16)
    }

    @Test func aesCTRMatchesNIST() {
        let key = hex("2b7e151628aed2a6abf7158809cf4f3c")
        let counter = hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")
        let plaintext = hex("6bc1bee22e409f96e93d7e117393172aae2d8a")  // not a whole block: no padding in CTR
        let (result, ciphertext) = crypt(true, SG_CIPHER_AES_CTR_NOPADDING, key: key, iv: counter, plaintext)
        #expect(result == SG_SUCCESS)
        #expect(ciphertext == hex("874d6191b620e3261bef6864990db6ce9806f6"))
        #expect(crypt(false, SG_CIPHER_AES_CTR_NOPADDING, key: key, iv: counter, ciphertext).1 == plaintext)
    }

    @Test func badCipherInputIsAnErrorNotACrash() {
        let key = hex("2b7e151628aed2a6abf7158809cf4f3c")
        let iv = [UInt8](repeating: 0, count: 16)
        #expect(crypt(true, SG_CIPHER_AES_CBC_PKCS5, key: Array(key.prefix(15)), iv: iv, [1]).0 == SG_ERR_INVAL)
        #expect(crypt(true, SG_CIPHER_AES_CBC_PKCS5, key: key, iv: Array(iv.prefix(12)), [1]).0 == SG_ERR_INVAL)
        #expect(crypt(true, 7, key: key, iv: iv, [1]).0 == SG_ERR_INVAL)
        // Not whole blocks.
        #expect(crypt(false, SG_CIPHER_AES_CBC_PKCS5, key: key, iv: iv, [1, 2, 3]).0 == SG_ERR_INVALID_MESSAGE)
        // A whole block that decrypts to sixteen zeros: its last byte, 0, is not PKCS#7 padding.
        let zeros = crypt(true, SG_CIPHER_AES_CBC_PKCS5, key: key, iv: iv, [UInt8](repeating: 0, count: 16)).1
        #expect(crypt(false, SG_CIPHER_AES_CBC_PKCS5, key: key, iv: iv, Array(zeros.prefix(16))).0 == SG_ERR_INVALID_MESSAGE)
    }

    @Test func hmacSHA256IsIncrementalAndTakesAMissingKey() {
        func hmac(key: [UInt8]?, _ parts: [[UInt8]]) -> [UInt8] {
            var context: UnsafeMutableRawPointer?
            let initialised: Int32
            if let key {
                initialised = LibSignal.withBytes(key) { provider.hmac_sha256_init_func!(&context, $0, $1, nil) }
            } else {
                initialised = provider.hmac_sha256_init_func!(&context, nil, 0, nil)  // HKDF without salt
            }
            #expect(initialised == SG_SUCCESS)
            defer { provider.hmac_sha256_cleanup_func!(context, nil) }
            for part in parts {
                #expect(LibSignal.withBytes(part) { provider.hmac_sha256_update_func!(context, $0, $1, nil) } == SG_SUCCESS)
            }
            var output: OpaquePointer?
            #expect(provider.hmac_sha256_final_func!(context, &output, nil) == SG_SUCCESS)
            return LibSignal.consume(output)
        }
        let expected = hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")  // RFC 4231 case 2
        #expect(hmac(key: Array("Jefe".utf8), [Array("what do ya want for nothing?".utf8)]) == expected)
        #expect(hmac(key: Array("Jefe".utf8), [Array("what do ya ".utf8), [], Array("want for nothing?".utf8)]) == expected)
        #expect(hmac(key: nil, []) == hex("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"))
        provider.hmac_sha256_cleanup_func!(nil, nil)  // what HKDF does after a failed init
    }

    @Test func sha512IsReusableAfterFinal() {
        var context: UnsafeMutableRawPointer?
        #expect(provider.sha512_digest_init_func!(&context, nil) == SG_SUCCESS)
        defer { provider.sha512_digest_cleanup_func!(context, nil) }
        let abc = hex(
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
        for _ in 0..<2 {  // the fingerprint code loops on one context
            #expect(LibSignal.withBytes(Array("abc".utf8)) { provider.sha512_digest_update_func!(context, $0, $1, nil) } == SG_SUCCESS)
            var output: OpaquePointer?
            #expect(provider.sha512_digest_final_func!(context, &output, nil) == SG_SUCCESS)
            #expect(LibSignal.consume(output) == abc)
        }
    }

    @Test func randomFillsTheBuffer() {
        var first = [UInt8](repeating: 0, count: 64)
        var second = [UInt8](repeating: 0, count: 64)
        #expect(provider.random_func!(&first, first.count, nil) == SG_SUCCESS)
        #expect(provider.random_func!(&second, second.count, nil) == SG_SUCCESS)
        #expect(first != second)
        #expect(first != [UInt8](repeating: 0, count: 64))
    }
}
