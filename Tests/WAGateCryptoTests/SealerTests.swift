import Foundation
import Testing
import WAGateCrypto

@Suite struct SealerTests {
    let context = SealContext(table: "device_credentials", accountID: "bot/default", key: "noise-key")

    @Test func roundTripsAnyLength() throws {
        let key = try SecretBytes.random(count: Sealer.keyLength)
        for length in [0, 1, 31, 32, 1000, 65_537] {
            let plain = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let sealed = try Sealer.seal(plain, key: key, context: context)
            #expect(sealed.count == plain.count + Sealer.overhead)
            #expect(sealed[0] == Sealer.version)
            #expect(try Sealer.open(sealed, key: key, context: context) == plain)
        }
    }

    @Test func nonceIsFreshEveryTime() throws {
        let key = try SecretBytes.random(count: Sealer.keyLength)
        let a = try Sealer.seal(Array("same".utf8), key: key, context: context)
        let b = try Sealer.seal(Array("same".utf8), key: key, context: context)
        #expect(a != b)
    }

    @Test func plaintextDoesNotAppearInSealedBytes() throws {
        let key = try SecretBytes.random(count: Sealer.keyLength)
        let secret = Array("correct horse battery staple".utf8)
        let sealed = try Sealer.seal(secret, key: key, context: context)
        #expect(!Data(sealed).contains(Data(secret)))
    }

    @Test func everyFlippedByteIsDetected() throws {
        let key = try SecretBytes.random(count: Sealer.keyLength)
        let sealed = try Sealer.seal(Array("sixteen byte msg".utf8), key: key, context: context)
        for index in sealed.indices {
            var tampered = sealed
            tampered[index] ^= 0x01
            #expect(throws: CryptoError.self) { try Sealer.open(tampered, key: key, context: context) }
        }
    }

    @Test func truncatedValuesAreRejected() throws {
        let key = try SecretBytes.random(count: Sealer.keyLength)
        let sealed = try Sealer.seal(Array("abc".utf8), key: key, context: context)
        for length in 0..<sealed.count {
            #expect(throws: CryptoError.self) { try Sealer.open(sealed.prefix(length), key: key, context: context) }
        }
    }

    @Test func valueMovedToAnotherRowFailsToOpen() throws {
        let key = try SecretBytes.random(count: Sealer.keyLength)
        let sealed = try Sealer.seal(Array("secret".utf8), key: key, context: context)
        let elsewhere = [
            SealContext(table: "messages", accountID: context.accountID, key: context.key),
            SealContext(table: context.table, accountID: "bot/other", key: context.key),
            SealContext(table: context.table, accountID: context.accountID, key: "identity-key"),
            // Field boundaries matter: ("bot/defaul", "tnoise-key") must not equal ("bot/default", "noise-key").
            SealContext(table: context.table, accountID: "bot/defaul", key: "tnoise-key"),
        ]
        for other in elsewhere {
            #expect {
                try Sealer.open(sealed, key: key, context: other)
            } throws: { ($0 as? CryptoError)?.code == .authenticationFailed }
        }
    }

    @Test func wrongKeyFailsToOpen() throws {
        let sealed = try Sealer.seal(Array("secret".utf8), key: .random(count: Sealer.keyLength), context: context)
        #expect {
            try Sealer.open(sealed, key: .random(count: Sealer.keyLength), context: context)
        } throws: { ($0 as? CryptoError)?.code == .authenticationFailed }
    }

    @Test func unknownVersionIsNamed() throws {
        let key = try SecretBytes.random(count: Sealer.keyLength)
        var sealed = try Sealer.seal(Array("secret".utf8), key: key, context: context)
        sealed[0] = 9
        #expect {
            try Sealer.open(sealed, key: key, context: context)
        } throws: { ($0 as? CryptoError)?.code == .unsupportedVersion }
    }

    @Test func keysOfWrongLengthAreRefused() throws {
        #expect(throws: CryptoError.self) { try Sealer.seal([1], key: .random(count: 16), context: context) }
    }
}
