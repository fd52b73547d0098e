import Testing
import WAGateCrypto

/// AES-256-CTR against NIST SP 800-38A Appendix F.5.5 / F.5.6 (CTR-AES256.Encrypt / .Decrypt).
@Suite struct AESCTRTests {
    static let key = bytes("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4")
    static let counter = bytes("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")
    static let plaintext = bytes(
        "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710")
    static let ciphertext = bytes(
        "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c52b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6")

    @Test func encryptMatchesNISTF55() throws {
        #expect(try AESCTR.encrypt(Self.plaintext, key: SecretBytes(copying: Self.key), iv: Self.counter) == Self.ciphertext)
    }

    @Test func decryptMatchesNISTF56() throws {
        #expect(try AESCTR.decrypt(Self.ciphertext, key: SecretBytes(copying: Self.key), iv: Self.counter) == Self.plaintext)
    }

    /// A stream cipher: a prefix of the plaintext encrypts to the same prefix of the ciphertext,
    /// including lengths that are not a whole block (the 32-byte public keys of §4.4 are two blocks;
    /// 21 bytes checks the partial final block).
    @Test(arguments: [0, 1, 16, 21, 32, 63])
    func prefixesEncryptToPrefixes(count: Int) throws {
        let key = try SecretBytes(copying: Self.key)
        #expect(try AESCTR.encrypt(Self.plaintext.prefix(count), key: key, iv: Self.counter) == Array(Self.ciphertext.prefix(count)))
    }

    /// Nothing is authenticated: a wrong key yields different bytes, not an error.
    @Test func wrongKeyDecryptsToGarbageWithoutError() throws {
        var other = Self.key
        other[0] ^= 1
        let garbage = try AESCTR.decrypt(Self.ciphertext, key: SecretBytes(copying: other), iv: Self.counter)
        #expect(garbage.count == Self.plaintext.count)
        #expect(garbage != Self.plaintext)
    }

    @Test func rejectsWrongKeyAndIVLengths() throws {
        let short = #expect(throws: CryptoError.self) {
            try AESCTR.encrypt([1, 2, 3], key: SecretBytes(copying: [UInt8](repeating: 0, count: 16)), iv: Self.counter)
        }
        #expect(short?.code == .invalidKey)
        let iv = #expect(throws: CryptoError.self) {
            try AESCTR.encrypt([1, 2, 3], key: SecretBytes(copying: Self.key), iv: [UInt8](repeating: 0, count: 12))
        }
        #expect(iv?.code == .invalidKey)
        #expect(iv?.message.contains("16") == true)
    }
}
