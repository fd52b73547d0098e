import Foundation
import SwiftProtobuf
import Testing
import WABinary
import WAGateCrypto
import WAProto
import WAWeb

/// The phone's side of pair-success (reference §4.3), as the sandbox's simulated phones will do it:
/// sign our identity key with the account key and authenticate the container with the adv secret.
struct SimulatedPhone {
    let accountKey: Curve25519.KeyPair

    init() throws { accountKey = try .generate() }

    func pairSuccess(
        for device: DeviceCredentials, keyIndex: UInt32 = 3, id: String = "pair-1", tamperHMAC: Bool = false,
        signOtherIdentity: Bool = false
    ) throws -> Node {
        var identity = WAAdv_ADVDeviceIdentity()
        identity.rawID = 123_456
        identity.timestamp = 1_764_000_000
        identity.keyIndex = keyIndex
        let details: [UInt8] = try identity.serializedBytes()
        let signedKey = signOtherIdentity ? try Curve25519.KeyPair.generate().publicKey : device.identityKey.publicKey
        var signed = WAAdv_ADVSignedDeviceIdentity()
        signed.details = Data(details)
        signed.accountSignatureKey = Data(accountKey.publicKey)
        signed.accountSignature = Data(try XEdDSA.sign([6, 0] + details + signedKey, privateKey: accountKey.privateKey))
        let signedBytes: [UInt8] = try signed.serializedBytes()
        var container = WAAdv_ADVSignedDeviceIdentityHMAC()
        container.details = Data(signedBytes)
        var mac = HMAC.sha256(key: device.advSecret, message: signedBytes)
        if tamperHMAC { mac[0] ^= 1 }
        container.hmac = Data(mac)
        let containerBytes: [UInt8] = try container.serializedBytes()
        return Node(
            tag: "iq", attributes: ["from": .jid(.server), "type": "set", "id": .string(id)],
            children: [
                Node(
                    tag: "pair-success",
                    children: [
                        Node(tag: "device-identity", content: .bytes(containerBytes)),
                        Node(tag: "platform", attributes: ["name": "android"]),
                        Node(
                            tag: "device",
                            attributes: [
                                "jid": .jid(JID("15550001111:7@s.whatsapp.net")!), "lid": .jid(JID("987654321:7@lid")!),
                            ]),
                    ])
            ])
    }
}

@Suite struct PairSuccessTests {
    @Test func aGenuinePairSuccessLinksAndIsAnsweredWithTheDeviceSignature() throws {
        let device = try DeviceCredentials.generate()
        let phone = try SimulatedPhone()
        let iq = try phone.pairSuccess(for: device)
        // Through the wire codec, as it would arrive.
        let decoded = try BinaryDecoder().decode(BinaryEncoder().encode(iq))
        guard case .paired(let paired, let reply) = PairSuccess.handle(decoded, credentials: device) else {
            Issue.record("pair-success was rejected")
            return
        }
        #expect(paired.jid.description == "15550001111:7@s.whatsapp.net")
        #expect(paired.lid?.description == "987654321:7@lid")
        #expect(paired.platform == "android")
        #expect(paired.keyIndex == 3)
        #expect(paired.accountSignatureKey == phone.accountKey.publicKey)

        #expect(reply.tag == "iq" && reply.attribute("type") == "result" && reply.attribute("id") == "pair-1")
        let identityNode = try #require(reply.child("pair-device-sign")?.child("device-identity"))
        #expect(identityNode.attribute("key-index") == "3")
        let sent = try WAAdv_ADVSignedDeviceIdentity(serializedBytes: try #require(identityNode.contentBytes))
        #expect(!sent.hasAccountSignatureKey, "the reply must not carry the account signature key")
        // The phone can check our device signature with our identity key.
        let message = [6, 1] + Array(sent.details) + device.identityKey.publicKey + phone.accountKey.publicKey
        #expect(XEdDSA.isValidSignature(Array(sent.deviceSignature), for: message, publicKey: device.identityKey.publicKey))
        // What is kept includes the account signature key and the same device signature.
        let kept = try WAAdv_ADVSignedDeviceIdentity(serializedBytes: paired.account)
        #expect(Array(kept.accountSignatureKey) == phone.accountKey.publicKey)
        #expect(kept.deviceSignature == sent.deviceSignature)
    }

    @Test func aWrongHMACIsRefusedWithHmacMismatch() throws {
        let device = try DeviceCredentials.generate()
        let iq = try SimulatedPhone().pairSuccess(for: device, tamperHMAC: true)
        guard case .rejected(_, let reply) = PairSuccess.handle(iq, credentials: device) else {
            Issue.record("a tampered HMAC was accepted")
            return
        }
        #expect(reply.attribute("type") == "error")
        #expect(reply.child("error")?.attribute("code") == "401")
        #expect(reply.child("error")?.attribute("text") == "hmac-mismatch")
    }

    @Test func anAccountSignatureOverAnotherKeyIsRefusedWithSignatureMismatch() throws {
        let device = try DeviceCredentials.generate()
        let iq = try SimulatedPhone().pairSuccess(for: device, signOtherIdentity: true)
        guard case .rejected(_, let reply) = PairSuccess.handle(iq, credentials: device) else {
            Issue.record("a bad account signature was accepted")
            return
        }
        #expect(reply.child("error")?.attribute("text") == "signature-mismatch")
    }

    @Test func anotherDevicesAdvSecretCannotCompleteThePairing() throws {
        let device = try DeviceCredentials.generate()
        let iq = try SimulatedPhone().pairSuccess(for: try DeviceCredentials.generate())
        guard case .rejected(_, let reply) = PairSuccess.handle(iq, credentials: device) else {
            Issue.record("pair-success for another device was accepted")
            return
        }
        #expect(reply.child("error")?.attribute("text") == "hmac-mismatch")
    }

    @Test func garbageIsAnInternalErrorNotACrash() throws {
        let device = try DeviceCredentials.generate()
        let iq = Node(
            tag: "iq", attributes: ["id": "x"],
            children: [
                Node(
                    tag: "pair-success",
                    children: [
                        Node(tag: "device-identity", content: .bytes([0xFF, 0x01, 0x02])),
                        Node(tag: "device", attributes: ["jid": .jid(JID("1:1@s.whatsapp.net")!)]),
                    ])
            ])
        guard case .rejected(_, let reply) = PairSuccess.handle(iq, credentials: device) else {
            Issue.record("garbage was accepted")
            return
        }
        #expect(reply.child("error")?.attribute("code") == "500")
    }
}
