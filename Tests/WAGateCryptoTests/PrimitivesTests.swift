import CSignalProtocol
import Testing
import WAGateCrypto

/// Known-answer tests for the primitives the WhatsApp transport and Signal layers build on, plus
/// cross-checks of XEdDSA against libsignal-protocol-c (an independent implementation).
@Suite struct PrimitivesTests {
    // MARK: - X25519 (RFC 7748 §6.1)

    static let alicePrivate = bytes("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
    static let alicePublic = bytes("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
    static let bobPrivate = bytes("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")
    static let bobPublic = bytes("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
    static let rfc7748Shared = bytes("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")

    @Test func x25519PublicKeysMatchRFC7748() throws {
        #expect(try Curve25519.KeyPair(privateKey: SecretBytes(copying: Self.alicePrivate)).publicKey == Self.alicePublic)
        #expect(try Curve25519.publicKey(for: SecretBytes(copying: Self.bobPrivate)) == Self.bobPublic)
    }

    @Test func x25519SharedSecretMatchesRFC7748BothWays() throws {
        let ab = try Curve25519.sharedSecret(privateKey: SecretBytes(copying: Self.alicePrivate), publicKey: Self.bobPublic)
        let ba = try Curve25519.sharedSecret(privateKey: SecretBytes(copying: Self.bobPrivate), publicKey: Self.alicePublic)
        #expect(ab.copyBytes() == Self.rfc7748Shared)
        #expect(ba.copyBytes() == Self.rfc7748Shared)
    }

    @Test(arguments: [
        [UInt8](repeating: 0, count: 32),  // u = 0
        [1] + [UInt8](repeating: 0, count: 31),  // u = 1, order 4
        bytes("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),  // order 8
    ])
    func x25519RejectsSmallOrderPeerKeys(peer: [UInt8]) throws {
        let mine = try Curve25519.KeyPair.generate()
        let error = #expect(throws: CryptoError.self) { try Curve25519.sharedSecret(privateKey: mine.privateKey, publicKey: peer) }
        #expect(error?.code == .invalidKey)
        #expect(error?.message.contains("all zeros") == true)
    }

    @Test func x25519RejectsWrongLengths() throws {
        let mine = try Curve25519.KeyPair.generate()
        #expect(throws: CryptoError.self) { try Curve25519.sharedSecret(privateKey: mine.privateKey, publicKey: [UInt8](repeating: 9, count: 33)) }
        #expect(throws: CryptoError.self) { try Curve25519.publicKey(for: SecretBytes(copying: [UInt8](repeating: 1, count: 31))) }
    }

    @Test func generatedKeyPairsAgreeAndAreClamped() throws {
        let a = try Curve25519.KeyPair.generate(), b = try Curve25519.KeyPair.generate()
        let ab = try Curve25519.sharedSecret(privateKey: a.privateKey, publicKey: b.publicKey)
        let ba = try Curve25519.sharedSecret(privateKey: b.privateKey, publicKey: a.publicKey)
        #expect(ab.constantTimeEquals(ba))
        let k = a.privateKey.copyBytes()
        #expect(k[0] & 7 == 0 && k[31] & 0x80 == 0 && k[31] & 0x40 != 0)
    }

    // MARK: - AES-256-GCM (NIST GCM spec, test case 16: 256-bit key, 60-byte plaintext, 20-byte AAD)

    static let gcmKey = bytes("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
    static let gcmPlaintext = bytes(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39")
    static let gcmAAD = bytes("feedfacedeadbeeffeedfacedeadbeefabaddad2")
    static let gcmNonce = bytes("cafebabefacedbaddecaf888")
    static let gcmSealed = bytes(
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
            + "76fc6ece0f4e1768cddf8853bb2d551b")

    @Test func aesGCMSealMatchesNISTVector() throws {
        let key = try SecretBytes(copying: Self.gcmKey)
        #expect(try AESGCM.seal(Self.gcmPlaintext, key: key, nonce: Self.gcmNonce, authenticating: Self.gcmAAD) == Self.gcmSealed)
        #expect(try AESGCM.open(Self.gcmSealed, key: key, nonce: Self.gcmNonce, authenticating: Self.gcmAAD) == Self.gcmPlaintext)
    }

    @Test func aesGCMRejectsEveryTamperedByte() throws {
        let key = try SecretBytes(copying: Self.gcmKey)
        for i in Self.gcmSealed.indices {
            var tampered = Self.gcmSealed
            tampered[i] ^= 0x01
            let error = #expect(throws: CryptoError.self) {
                try AESGCM.open(tampered, key: key, nonce: Self.gcmNonce, authenticating: Self.gcmAAD)
            }
            #expect(error?.code == .authenticationFailed)
        }
    }

    @Test func aesGCMRejectsWrongAssociatedDataNonceOrKey() throws {
        let key = try SecretBytes(copying: Self.gcmKey)
        var nonce = Self.gcmNonce
        nonce[11] ^= 1
        var otherKey = Self.gcmKey
        otherKey[0] ^= 1
        #expect(throws: CryptoError.self) { try AESGCM.open(Self.gcmSealed, key: key, nonce: Self.gcmNonce, authenticating: Self.gcmAAD.dropLast()) }
        #expect(throws: CryptoError.self) { try AESGCM.open(Self.gcmSealed, key: key, nonce: Self.gcmNonce) }
        #expect(throws: CryptoError.self) { try AESGCM.open(Self.gcmSealed, key: key, nonce: nonce, authenticating: Self.gcmAAD) }
        #expect(throws: CryptoError.self) {
            try AESGCM.open(Self.gcmSealed, key: SecretBytes(copying: otherKey), nonce: Self.gcmNonce, authenticating: Self.gcmAAD)
        }
    }

    @Test func aesGCMHandlesEmptyPlaintextAndRejectsShortInput() throws {
        let key = try SecretBytes(copying: Self.gcmKey)
        let sealed = try AESGCM.seal([UInt8](), key: key, nonce: Self.gcmNonce, authenticating: [1, 2, 3])
        #expect(sealed.count == AESGCM.tagCount)
        #expect(try AESGCM.open(sealed, key: key, nonce: Self.gcmNonce, authenticating: [1, 2, 3]) == [])
        let error = #expect(throws: CryptoError.self) { try AESGCM.open(sealed.dropLast(), key: key, nonce: Self.gcmNonce) }
        #expect(error?.code == .malformed)
        #expect(throws: CryptoError.self) { try AESGCM.seal([1], key: key, nonce: [UInt8](repeating: 0, count: 8)) }
        #expect(throws: CryptoError.self) { try AESGCM.seal([1], key: SecretBytes(copying: [UInt8](repeating: 0, count: 16)), nonce: Self.gcmNonce) }
    }

    // MARK: - SHA-256 (FIPS 180-2 examples)

    @Test func sha256MatchesFIPSExamples() {
        #expect(SHA256.hash([UInt8]()) == bytes("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
        #expect(SHA256.hash(Array("abc".utf8)) == bytes("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
        let twoBlocks = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hash(twoBlocks) == bytes("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"))
        #expect(SHA256.hash(parts: [Array(twoBlocks[..<10]), [], Array(twoBlocks[10...])]) == SHA256.hash(twoBlocks))
    }

    // MARK: - HMAC-SHA256 (RFC 4231 test cases 1, 2 and 6)

    @Test func hmacSHA256MatchesRFC4231() throws {
        #expect(
            HMAC.sha256(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8))
                == bytes("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"))
        #expect(
            try HMAC.sha256(key: SecretBytes(copying: Array("Jefe".utf8)), message: Array("what do ya want for nothing?".utf8))
                == bytes("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"))
        #expect(
            HMAC.sha256(key: [UInt8](repeating: 0xaa, count: 131), message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
                == bytes("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"))
        let key = try SecretBytes(copying: Array("Jefe".utf8))
        let tag = bytes("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(HMAC.isValid(tag, sha256Key: key, message: Array("what do ya want for nothing?".utf8)))
        #expect(!HMAC.isValid(tag.dropLast(), sha256Key: key, message: Array("what do ya want for nothing?".utf8)))
        #expect(!HMAC.isValid(tag, sha256Key: key, message: Array("what do ya want for nothing!".utf8)))
    }

    // MARK: - HKDF-SHA256 (RFC 5869 test cases 1 and 3)

    @Test func hkdfSHA256MatchesRFC5869Case1() throws {
        let okm = try HKDF.sha256(
            ikm: [UInt8](repeating: 0x0b, count: 22), salt: Array(0x00...0x0c as ClosedRange<UInt8>),
            info: Array(0xf0...0xf9 as ClosedRange<UInt8>), outputCount: 42)
        #expect(okm.copyBytes() == bytes("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"))
    }

    @Test func hkdfSHA256MatchesRFC5869Case3EmptySaltAndInfo() throws {
        let okm = try HKDF.sha256(ikm: SecretBytes(copying: [UInt8](repeating: 0x0b, count: 22)), salt: [UInt8](), info: [UInt8](), outputCount: 42)
        #expect(okm.copyBytes() == bytes("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"))
    }

    /// Noise's Split derives from an empty IKM; expected value from Python `cryptography`'s HKDF.
    @Test func hkdfSHA256AcceptsEmptyIKM() throws {
        let okm = try HKDF.sha256(ikm: [], salt: SecretBytes(copying: [UInt8](repeating: 1, count: 32)), info: [UInt8](), outputCount: 64)
        #expect(
            okm.copyBytes()
                == bytes(
                    "b5a5789af1d00c74773ef327dc63f0f11c7041252d4916c43a252b92e3358ad2"
                        + "72d7e204fba7b0ac19964ebcba5e88e3609cb8c3cafa4b940945df49da83680f"))
        #expect(throws: CryptoError.self) { try HKDF.sha256(ikm: [1], salt: [UInt8](), info: [UInt8](), outputCount: 0) }
        #expect(throws: CryptoError.self) { try HKDF.sha256(ikm: [1], salt: [UInt8](), info: [UInt8](), outputCount: 255 * 32 + 1) }
    }
}

extension PrimitivesTests {
    /// XEdDSA in libsignal's variant: its known-answer vector and cross-checks with libsignal-protocol-c.
    @Suite struct XEdDSASignatures {
        // libsignal-protocol-c tests/test_curve25519.c, test_curve25519_signature.
        static let aliceIdentityPublic = bytes("05ab7e717d4a163b7d9a1d8071dfe9dcf8cdcd1cea3339b6356be84d887e322c64")
        static let aliceEphemeralPublic = bytes("05edce9d9c415ca78cb7252e72c2c4a554d3eb29485a0e1d503118d1a82d99fb4a")
        static let aliceSignature = bytes(
            "5de88ca9a89b4a115da79109c67c9c7464a3e4180274f1cb8c63c2984e286dfb"
                + "ede82deb9dcd9fae0bfbb821569b3d9001bd8130cd11d486cef047bd60b86e88")

        @Test func libsignalVectorVerifies() {
            #expect(XEdDSA.isValidSignature(Self.aliceSignature, for: Self.aliceEphemeralPublic, publicKey: Self.aliceIdentityPublic.dropFirst()))
        }

        @Test func libsignalVectorRejectsEveryFlippedByteAndOtherMessages() {
            let key = Self.aliceIdentityPublic.dropFirst()
            for i in Self.aliceSignature.indices {
                var modified = Self.aliceSignature
                modified[i] ^= 0x01
                #expect(!XEdDSA.isValidSignature(modified, for: Self.aliceEphemeralPublic, publicKey: key), "byte \(i)")
            }
            var message = Self.aliceEphemeralPublic
            message[5] ^= 0x80
            #expect(!XEdDSA.isValidSignature(Self.aliceSignature, for: message, publicKey: key))
            // The sign bit is part of the signature: flipping it means the wrong Edwards key.
            var signBit = Self.aliceSignature
            signBit[63] ^= 0x80
            #expect(!XEdDSA.isValidSignature(signBit, for: Self.aliceEphemeralPublic, publicKey: key))
            #expect(!XEdDSA.isValidSignature(Self.aliceSignature.dropLast(), for: Self.aliceEphemeralPublic, publicKey: key))
            #expect(!XEdDSA.isValidSignature(Self.aliceSignature, for: Self.aliceEphemeralPublic, publicKey: Self.aliceIdentityPublic))
        }

        @Test func signaturesRoundTripAndBindKeyAndMessage() throws {
            for length in [0, 1, 33, 200] {
                let pair = try Curve25519.KeyPair.generate()
                let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7) }
                let signature = try XEdDSA.sign(message, privateKey: pair.privateKey)
                #expect(signature.count == XEdDSA.signatureCount)
                #expect(XEdDSA.isValidSignature(signature, for: message, publicKey: pair.publicKey))
                let other = try Curve25519.KeyPair.generate()
                #expect(!XEdDSA.isValidSignature(signature, for: message, publicKey: other.publicKey))
                #expect(!XEdDSA.isValidSignature(signature, for: message + [0], publicKey: pair.publicKey))
            }
        }

        @Test func signingIsDeterministicForFixedRandom() throws {
            let key = try SecretBytes(copying: PrimitivesTests.alicePrivate)
            let z = [UInt8](repeating: 0x42, count: 64)
            #expect(try XEdDSA.sign([1, 2, 3], privateKey: key, random: z) == XEdDSA.sign([1, 2, 3], privateKey: key, random: z))
            #expect(throws: CryptoError.self) { try XEdDSA.sign([1], privateKey: key, random: [1, 2]) }
        }

        /// Our signatures verify with libsignal-protocol-c, and its signatures verify with ours.
        @Test func interoperatesWithLibsignalProtocolC() throws {
            let context = try SignalContext()
            for _ in 0..<20 {
                let pair = try Curve25519.KeyPair.generate()
                let message = (0..<Int.random(in: 0...100)).map { _ in UInt8.random(in: 0...255) }

                let ours = try XEdDSA.sign(message, privateKey: pair.privateKey)
                #expect(try context.verify(ours, message: message, publicKey: pair.publicKey))

                let theirs = try context.sign(message, privateKey: pair.privateKey.copyBytes())
                #expect(XEdDSA.isValidSignature(theirs, for: message, publicKey: pair.publicKey))
            }
        }
    }
}

/// The few libsignal-protocol-c calls the cross-check needs, with a crypto provider that only supplies randomness.
private final class SignalContext {
    struct Failure: Error { let call: String; let code: Int32 }
    let pointer: OpaquePointer

    init() throws {
        var context: OpaquePointer?
        guard signal_context_create(&context, nil) == 0, let context else { throw Failure(call: "signal_context_create", code: -1) }
        pointer = context
        var provider = signal_crypto_provider()
        provider.random_func = { data, length, _ in
            var generator = SystemRandomNumberGenerator()
            for i in 0..<length { data![i] = generator.next() }
            return 0
        }
        // libsignal insists on the HMAC callbacks being present; signing never calls them.
        provider.hmac_sha256_init_func = { _, _, _, _ in -1 }
        provider.hmac_sha256_update_func = { _, _, _, _ in -1 }
        provider.hmac_sha256_final_func = { _, _, _ in -1 }
        provider.hmac_sha256_cleanup_func = { _, _ in }
        let rc = signal_context_set_crypto_provider(context, &provider)
        guard rc == 0 else { throw Failure(call: "signal_context_set_crypto_provider", code: rc) }
    }

    deinit { signal_context_destroy(pointer) }

    func verify(_ signature: [UInt8], message: [UInt8], publicKey: [UInt8]) throws -> Bool {
        var key: OpaquePointer?
        let rc = curve_decode_point(&key, [0x05] + publicKey, 33, pointer)
        guard rc == 0, let key else { throw Failure(call: "curve_decode_point", code: rc) }
        defer { signal_type_unref(key) }
        return curve_verify_signature(key, message, message.count, signature, signature.count) == 1
    }

    func sign(_ message: [UInt8], privateKey: [UInt8]) throws -> [UInt8] {
        var key: OpaquePointer?
        var rc = curve_decode_private_point(&key, privateKey, 32, pointer)
        guard rc == 0, let key else { throw Failure(call: "curve_decode_private_point", code: rc) }
        defer { signal_type_unref(key) }
        var buffer: OpaquePointer?
        rc = curve_calculate_signature(pointer, &buffer, key, message, message.count)
        guard rc == 0, let buffer else { throw Failure(call: "curve_calculate_signature", code: rc) }
        defer { signal_buffer_free(buffer) }
        return Array(UnsafeBufferPointer(start: signal_buffer_data(buffer), count: signal_buffer_len(buffer)))
    }
}

/// Bytes from a hex string (test vectors only; traps on bad input).
func bytes(_ hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    precondition(digits.count % 2 == 0, "odd-length hex")
    return stride(from: 0, to: digits.count, by: 2).map { i in
        UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16)!
    }
}

@Suite struct HexTests {
    @Test func roundTripsAndRefusesWhatIsNotHex() {
        let bytes: [UInt8] = [0x00, 0x0F, 0xA5, 0xFF]
        #expect(Hex.encode(bytes) == "000fa5ff")
        #expect(Hex.decode("000fa5ff") == bytes)
        #expect(Hex.decode("000FA5FF") == bytes)
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("") == [])
    }
}

// MARK: - Constant-time comparison

extension PrimitivesTests {
    @Test func constantTimeEqualsAcceptsOnlyEqualBytes() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(!ConstantTime.equals([1, 2], [1, 2, 3]))
        #expect(!ConstantTime.equals([UInt8](), [0]))
        #expect(ConstantTime.equals("verify-me", "verify-me"))
        #expect(!ConstantTime.equals("verify-me", "verify-mE"))
    }
}
