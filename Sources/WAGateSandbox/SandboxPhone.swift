import Foundation
import SwiftProtobuf
import WABinary
import WAGateCrypto
import WAProto

/// The phone's side of linking a device (reference §4.3), as pure functions: the pair-success it
/// sends, signed with its account key, and the check of the companion's `pair-device-sign` answer.
enum SandboxPhone {
    /// What the phone sent, to check the answer against.
    struct Offer: Sendable {
        var node: Node
        /// `ADVSignedDeviceIdentity.details`: the serialized `ADVDeviceIdentity`.
        var details: [UInt8]
        var keyIndex: UInt32
    }

    /// Builds `<iq type="set" from="s.whatsapp.net"><pair-success>…</pair-success></iq>`.
    /// - Parameters:
    ///   - id: the IQ id the answer will carry.
    ///   - accountKey: the phone's account signature key pair.
    ///   - companionIdentity: the companion's identity public key (from the QR code or the code exchange).
    ///   - advSecret: the secret the companion put in its QR code (or derived from the code exchange).
    ///   - jid, lid: the device's addresses.
    static func pairSuccess(
        id: String, accountKey: Curve25519.KeyPair, companionIdentity: [UInt8], advSecret: [UInt8], keyIndex: UInt32,
        rawID: UInt32, timestamp: UInt64, jid: JID, lid: JID
    ) throws -> Offer {
        var identity = WAAdv_ADVDeviceIdentity()
        identity.rawID = rawID
        identity.timestamp = timestamp
        identity.keyIndex = keyIndex
        let details: [UInt8] = try identity.serializedBytes()
        var signed = WAAdv_ADVSignedDeviceIdentity()
        signed.details = Data(details)
        signed.accountSignatureKey = Data(accountKey.publicKey)
        signed.accountSignature = Data(try XEdDSA.sign([6, 0] + details + companionIdentity, privateKey: accountKey.privateKey))
        let signedBytes: [UInt8] = try signed.serializedBytes()
        var container = WAAdv_ADVSignedDeviceIdentityHMAC()
        container.details = Data(signedBytes)
        container.hmac = Data(HMAC.sha256(key: advSecret, message: signedBytes))
        let node = Node(
            tag: "iq", attributes: ["from": .jid(.server), "type": "set", "id": .string(id), "t": .string(String(timestamp))],
            children: [
                Node(
                    tag: "pair-success",
                    children: [
                        Node(tag: "device-identity", content: .bytes(try container.serializedBytes())),
                        Node(tag: "platform", attributes: ["name": "android"]),
                        Node(tag: "device", attributes: ["jid": .jid(jid), "lid": .jid(lid)]),
                    ]),
            ])
        return Offer(node: node, details: details, keyIndex: keyIndex)
    }

    /// Checks the companion's answer: a result with `pair-device-sign`, the same details and key index,
    /// no account signature key, and a device signature by the companion's identity key.
    /// - Throws: ``SandboxError`` with the companion's error text, or what does not verify.
    static func verifyAnswer(
        _ reply: Node, to offer: Offer, companionIdentity: [UInt8], accountSignatureKey: [UInt8]
    ) throws {
        if reply.attribute("type") == "error" {
            let error = reply.child("error")
            throw SandboxError(
                "the companion refused the link: \(error?.attribute("code") ?? "?") \(error?.attribute("text") ?? "no text")")
        }
        guard reply.attribute("type") == "result", let identityNode = reply.child("pair-device-sign")?.child("device-identity"),
            let bytes = identityNode.contentBytes
        else { throw SandboxError("the companion answered pair-success without pair-device-sign") }
        guard identityNode.attribute("key-index") == String(offer.keyIndex) else {
            throw SandboxError("the companion answered with key-index \(identityNode.attribute("key-index") ?? "none"), not \(offer.keyIndex)")
        }
        let signed: WAAdv_ADVSignedDeviceIdentity
        do {
            signed = try WAAdv_ADVSignedDeviceIdentity(serializedBytes: bytes)
        } catch {
            throw SandboxError("the companion's device identity does not parse: \(error)")
        }
        guard Array(signed.details) == offer.details else { throw SandboxError("the companion signed other device details") }
        guard !signed.hasAccountSignatureKey else {
            throw SandboxError("the companion sent the account signature key back (it must be left out)")
        }
        let message = [6, 1] + offer.details + companionIdentity + accountSignatureKey
        guard XEdDSA.isValidSignature(Array(signed.deviceSignature), for: message, publicKey: companionIdentity) else {
            throw SandboxError("the companion's device signature does not verify with its identity key")
        }
    }
}
