import Foundation
import SwiftProtobuf
import WABinary
import WAGateCrypto
import WAProto

/// What the device learns and keeps when the phone accepts the link (reference §4.3 step 6).
public struct PairedDevice: Sendable, Equatable {
    /// The full `ADVSignedDeviceIdentity` including the account signature key and our device signature:
    /// sent later as `<device-identity>` with prekey messages and retry receipts.
    public var account: [UInt8]
    /// The primary device's identity key (the account signature key), to be trusted for our own LID.
    public var accountSignatureKey: [UInt8]
    /// Our device JID on the phone-number server (`12025550123:7@s.whatsapp.net`).
    public var jid: JID
    /// Our device LID (`1234567890:7@lid`), when the server sent one.
    public var lid: JID?
    /// The phone's platform (`android`, `iphone`, `smba`, ...).
    public var platform: String?
    /// The business name, for business accounts.
    public var businessName: String?
    /// The key index the phone assigned to this device.
    public var keyIndex: UInt32
}

/// Handles `<iq type="set"><pair-success>...</pair-success></iq>` (reference §4.3), as a pure function:
/// verifies the HMAC with the adv secret and the account signature, signs the device identity, and
/// returns the reply the server expects and what to persist — or the pair error to send.
public enum PairSuccess {
    /// The outcome.
    public enum Outcome: Sendable {
        /// Linked: send `reply`, persist `device`, then expect `<stream:error code="515"/>`.
        case paired(device: PairedDevice, reply: Node)
        /// Refused: send `reply` (an error IQ) and do not persist anything.
        case rejected(reason: String, reply: Node)
    }

    /// The prefixes of the signed messages (reference §4.3 steps 2, 4, 5).
    static let accountSignaturePrefix: [UInt8] = [6, 0]
    static let deviceSignaturePrefix: [UInt8] = [6, 1]
    static let hostedPrefix: [UInt8] = [6, 5]

    /// Processes a pair-success IQ.
    /// - Parameters:
    ///   - iq: the whole `<iq>` stanza (its `id` is echoed in the reply).
    ///   - credentials: this device's keys (identity key and adv secret).
    ///   - random: 64 random bytes for the XEdDSA device signature (tests pass fixed bytes).
    public static func handle(_ iq: Node, credentials: DeviceCredentials, random: [UInt8]? = nil) -> Outcome {
        let id = iq.attribute("id") ?? ""
        guard let success = iq.child("pair-success"), let identityBytes = success.child("device-identity")?.contentBytes,
            let deviceJID = success.child("device")?.jidAttribute("jid")
        else {
            return .rejected(reason: "pair-success is missing device-identity or device jid", reply: errorReply(id: id, code: 500, text: "internal-error"))
        }
        do {
            // Step 1–2: the HMAC over the details, keyed with the adv secret we put in the QR.
            let container = try WAAdv_ADVSignedDeviceIdentityHMAC(serializedBytes: identityBytes)
            let hosted = container.accountType == .hosted
            guard container.hasHmac,
                HMAC.isValid(
                    Array(container.hmac), sha256Key: credentials.advSecret, message: (hosted ? hostedPrefix : []) + Array(container.details))
            else {
                return .rejected(
                    reason: "pair-success HMAC does not match this device's adv secret", reply: errorReply(id: id, code: 401, text: "hmac-mismatch"))
            }
            // Step 3–4: the phone's account signature over our identity key.
            var signed = try WAAdv_ADVSignedDeviceIdentity(serializedBytes: container.details)
            let deviceIdentity = try WAAdv_ADVDeviceIdentity(serializedBytes: signed.details)
            let accountKey = Array(signed.accountSignatureKey)
            let accountMessage =
                (deviceIdentity.deviceType == .hosted ? hostedPrefix : accountSignaturePrefix) + Array(signed.details)
                + credentials.identityKey.publicKey
            guard accountKey.count == 32, signed.accountSignature.count == 64,
                XEdDSA.isValidSignature(Array(signed.accountSignature), for: accountMessage, publicKey: accountKey)
            else {
                return .rejected(
                    reason: "pair-success account signature does not verify", reply: errorReply(id: id, code: 401, text: "signature-mismatch"))
            }
            // Step 5: our device signature.
            let deviceMessage = deviceSignaturePrefix + Array(signed.details) + credentials.identityKey.publicKey + accountKey
            signed.deviceSignature = Data(try XEdDSA.sign(deviceMessage, privateKey: credentials.identityKey.privateKey, random: random))
            let account: [UInt8] = try signed.serializedBytes()
            // Step 7: the reply carries the identity without the account signature key.
            var forReply = signed
            forReply.clearAccountSignatureKey()
            let replyIdentity: [UInt8] = try forReply.serializedBytes()
            let reply = Node(
                tag: "iq", attributes: ["to": .jid(.server), "type": "result", "id": .string(id)],
                children: [
                    Node(
                        tag: "pair-device-sign",
                        children: [
                            Node(
                                tag: "device-identity", attributes: ["key-index": .string(String(deviceIdentity.keyIndex))],
                                content: .bytes(replyIdentity))
                        ])
                ])
            let device = PairedDevice(
                account: account, accountSignatureKey: accountKey, jid: deviceJID, lid: success.child("device")?.jidAttribute("lid"),
                platform: success.child("platform")?.attribute("name"), businessName: success.child("biz")?.attribute("name"),
                keyIndex: deviceIdentity.keyIndex)
            return .paired(device: device, reply: reply)
        } catch {
            return .rejected(reason: "pair-success could not be read: \(error)", reply: errorReply(id: id, code: 500, text: "internal-error"))
        }
    }

    /// `<iq to="s.whatsapp.net" type="error" id=ID><error code=C text=T/></iq>` (reference §4.3 step 8).
    static func errorReply(id: String, code: Int, text: String) -> Node {
        Node(
            tag: "iq", attributes: ["to": .jid(.server), "type": "error", "id": .string(id)],
            children: [Node(tag: "error", attributes: ["code": .string(String(code)), "text": .string(text)])])
    }
}
