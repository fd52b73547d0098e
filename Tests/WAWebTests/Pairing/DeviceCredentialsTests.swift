import Foundation
import Testing
import WAGateCrypto
import WAProto
import WAWeb

@Suite struct DeviceCredentialsTests {
    @Test func generatedCredentialsAreWellFormed() throws {
        let c = try DeviceCredentials.generate()
        #expect((1...16380).contains(c.registrationID))
        #expect(c.signedPreKey.id == 1)
        #expect(c.signedPreKeyIsValid)
        #expect(c.noiseKey.publicKey != c.identityKey.publicKey)
        #expect(c.advSecret.count == 32)
        // Private keys are clamped X25519 scalars (§4.1).
        for key in [c.noiseKey.privateKey, c.identityKey.privateKey, c.signedPreKey.keyPair.privateKey] {
            let k = key.copyBytes()
            #expect(k[0] & 7 == 0 && k[31] & 0x80 == 0 && k[31] & 0x40 != 0)
        }
    }

    @Test func storedEntriesRoundTrip() throws {
        let c = try DeviceCredentials.generate()
        let back = try DeviceCredentials(entries: c.entries())
        #expect(back.noiseKey.publicKey == c.noiseKey.publicKey)
        #expect(back.identityKey.publicKey == c.identityKey.publicKey)
        #expect(back.registrationID == c.registrationID)
        #expect(back.signedPreKey.id == c.signedPreKey.id)
        #expect(back.signedPreKey.keyPair.publicKey == c.signedPreKey.keyPair.publicKey)
        #expect(back.signedPreKey.signature == c.signedPreKey.signature)
        #expect(back.advSecret.constantTimeEquals(c.advSecret))
        #expect(Set(try c.entries().keys) == Set(DeviceCredentials.EntryName.all))
    }

    @Test func missingOrMismatchedEntriesAreNamed() throws {
        let c = try DeviceCredentials.generate()
        var entries = try c.entries()
        entries[DeviceCredentials.EntryName.advSecret] = nil
        #expect { try DeviceCredentials(entries: entries) } throws: {
            ($0 as? CryptoError)?.message.contains("adv-secret") == true
        }
        // An identity key from other credentials no longer verifies the stored prekey signature.
        entries = try c.entries()
        entries[DeviceCredentials.EntryName.identityPrivateKey] = try DeviceCredentials.generate().identityKey.privateKey
        #expect { try DeviceCredentials(entries: entries) } throws: {
            ($0 as? CryptoError)?.message.contains("signature does not verify") == true
        }
    }

    @Test func qrTextHasTheReferenceLayout() throws {
        let c = try DeviceCredentials.generate()
        let text = c.qrText(ref: "2@abcDEF==", platform: "9")
        #expect(text.hasPrefix("https://wa.me/settings/linked_devices#"))
        let fields = text.dropFirst("https://wa.me/settings/linked_devices#".count).split(separator: ",", omittingEmptySubsequences: false)
        #expect(fields.count == 5)
        #expect(fields[0] == "2@abcDEF==")
        #expect(Data(base64Encoded: String(fields[1])).map(Array.init) == c.noiseKey.publicKey)
        #expect(Data(base64Encoded: String(fields[2])).map(Array.init) == c.identityKey.publicKey)
        #expect(Data(base64Encoded: String(fields[3])).map(Array.init) == c.advSecret.copyBytes())
        #expect(fields[4] == "9")
    }
}

@Suite struct ClientPayloadsTests {
    @Test func registrationCarriesTheStoredCredentialsPublicParts() throws {
        let c = try DeviceCredentials.generate()
        let payload = try ClientPayloads.registration(c)
        let pairing = payload.devicePairingData
        #expect(Array(pairing.eIdent) == c.identityKey.publicKey)
        #expect(Array(pairing.eSkeyVal) == c.signedPreKey.keyPair.publicKey)
        #expect(Array(pairing.eSkeyID) == [0, 0, 1])
        #expect(Array(pairing.eRegid) == [UInt8(c.registrationID >> 24), UInt8((c.registrationID >> 16) & 0xFF),
                                          UInt8((c.registrationID >> 8) & 0xFF), UInt8(c.registrationID & 0xFF)])
        #expect(XEdDSA.isValidSignature(Array(pairing.eSkeySig), for: [0x05] + Array(pairing.eSkeyVal), publicKey: Array(pairing.eIdent)))
        // MD5("2.3000.1045649367"), as an independent implementation (Python's hashlib) computes it.
        #expect(Array(pairing.buildHash).map { String(format: "%02x", $0) }.joined() == "9fa53af9421567b114e33c9bb1ef7db2")
        #expect(!payload.hasUsername && !payload.passive)
    }

    @Test func loginCarriesTheDeviceAddress() {
        let payload = ClientPayloads.login(username: 15_550_001_111, device: 7, pushName: nil)
        #expect(payload.username == 15_550_001_111 && payload.device == 7 && payload.passive && payload.pull)
        #expect(!payload.hasDevicePairingData && !payload.hasPushName)
    }
}
