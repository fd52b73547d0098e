import Testing
import WAGateCrypto
import WASignal

/// Identity, registration id, prekeys and signed prekeys from the library's key helper, checked against
/// the project's own Curve25519 and XEdDSA code, and their records' storage round trip.
@Suite struct KeyGenerationTests {
    let context: SignalContext

    init() throws {
        context = try SignalContext()
    }

    @Test func theIdentityPublicKeyMatchesCurve25519OfThePrivateKey() throws {
        let identity = try context.generateIdentityKeyPair()
        #expect(identity.privateKey.count == 32)
        #expect(try Curve25519.publicKey(for: identity.privateKey) == identity.publicKey.raw)
        #expect(identity.publicKey.serialized == [0x05] + identity.publicKey.raw)
        let rebuilt = try IdentityKeyPair(privateKey: identity.privateKey)
        #expect(rebuilt.publicKey == identity.publicKey)
        let short = try SecretBytes(copying: [UInt8](repeating: 1, count: 31))
        #expect(throws: SignalError.invalidKey) { try IdentityKeyPair(privateKey: short) }
    }

    @Test func registrationIdsAreInLibsignalsRange() throws {
        for _ in 0..<20 {
            #expect((1...16380).contains(try context.generateRegistrationId()))
        }
    }

    @Test func prekeyIdsAreConsecutiveAndWrapBelow2To24() throws {
        let keys = try context.generatePreKeys(startingAt: 0xFF_FFFD, count: 4)
        #expect(keys.map(\.id) == [0xFF_FFFD, 0xFF_FFFE, 1, 2])
        #expect(Set(keys.map(\.publicKey)).count == 4)
        #expect(PreKeyRecord.nextId(after: 0xFF_FFFE) == 1)
        #expect(PreKeyRecord.nextId(after: 41) == 42)
        #expect(throws: SignalError.invalidArgument) { try context.generatePreKeys(startingAt: 0, count: 1) }
        #expect(throws: SignalError.invalidArgument) { try context.generatePreKeys(startingAt: 0xFF_FFFF, count: 1) }
        #expect(throws: SignalError.invalidArgument) { try context.generatePreKeys(startingAt: 1, count: 0) }
    }

    @Test func theSignedPrekeySignatureIsXEdDSAOverTheSerialisedKey() throws {
        let identity = try context.generateIdentityKeyPair()
        let signed = try context.generateSignedPreKey(id: 7, identity: identity, timestamp: 1_700_000_000_000)
        #expect(signed.id == 7)
        #expect(signed.timestamp == 1_700_000_000_000)
        #expect(signed.signature.count == 64)
        #expect(XEdDSA.isValidSignature(signed.signature, for: signed.publicKey.serialized, publicKey: identity.publicKey.raw))
        #expect(!XEdDSA.isValidSignature(signed.signature, for: signed.publicKey.raw, publicKey: identity.publicKey.raw))
        #expect(throws: SignalError.invalidArgument) { try context.generateSignedPreKey(id: 0x100_0000, identity: identity) }
    }

    @Test func recordsSurviveTheirStorageFormat() throws {
        let identity = try context.generateIdentityKeyPair()
        let preKey = try #require(try context.generatePreKeys(startingAt: 500, count: 1).first)
        #expect(try PreKeyRecord(serialized: preKey.serialized) == preKey)
        let signed = try context.generateSignedPreKey(id: 3, identity: identity)
        #expect(try SignedPreKeyRecord(serialized: signed.serialized) == signed)

        #expect(throws: SignalError.self) { try PreKeyRecord(serialized: [0xFF, 0x01, 0x02]) }
        #expect(throws: SignalError.self) { try SignedPreKeyRecord(serialized: Array(signed.serialized.prefix(10))) }
        #expect(throws: SignalError.self) { try SessionRecord(serialized: [0x0A, 0x80]) }
        #expect(throws: SignalError.self) { try SenderKeyRecord(serialized: [0x0A, 0xFF, 0xFF]) }
    }

    @Test func publicKeysCheckTheirForm() throws {
        let raw = [UInt8](repeating: 9, count: 32)
        let key = try SignalPublicKey(raw: raw)
        #expect(try SignalPublicKey(serialized: key.serialized) == key)
        #expect(throws: SignalError.invalidKey) { try SignalPublicKey(raw: raw.dropLast()) }
        #expect(throws: SignalError.invalidKey) { try SignalPublicKey(serialized: raw + [0]) }  // 33 bytes, wrong type byte
        #expect(throws: SignalError.invalidKey) { try SignalPublicKey(serialized: raw) }
    }
}
