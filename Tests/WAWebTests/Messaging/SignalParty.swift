import WABinary
import WASignal
import WAWeb

/// One simulated WhatsApp device with its own Signal state: identity, signed prekey, a few one-time
/// prekeys, and an engine — the other party of the messaging tests.
final class SignalParty {
    let jid: JID
    let lid: JID?
    let engine: SignalEngine
    let signedPreKey: SignedPreKeyRecord
    private(set) var unusedPreKeys: [PreKeyRecord]

    init(_ jid: String, lid: String? = nil, preKeys: Int = 4) throws {
        self.jid = JID(jid)!
        self.lid = lid.map { JID($0)! }
        let context = try SignalContext()
        let identity = try context.generateIdentityKeyPair()
        let store = SignalStore(identity: identity, registrationId: try context.generateRegistrationId())
        signedPreKey = try context.generateSignedPreKey(id: 1, identity: identity)
        store.storeSignedPreKey(signedPreKey)
        unusedPreKeys = try context.generatePreKeys(startingAt: 1, count: preKeys)
        store.storePreKeys(unusedPreKeys)
        engine = try SignalEngine(store: store, context: context)
        _ = store.takeChanges()
    }

    /// The bundle the server would hand out for this device (one one-time prekey consumed each time).
    func bundle() -> PreKeyBundle {
        let preKey = unusedPreKeys.isEmpty ? nil : unusedPreKeys.removeFirst()
        return PreKeyBundle(
            identity: engine.store.identityKeyPair.publicKey, registrationId: engine.store.registrationId, deviceId: jid.device,
            preKey: preKey, signedPreKey: signedPreKey)
    }

    var encryptor: MessageEncryptor {
        MessageEncryptor(engine: engine, ownDevice: jid, ownLID: lid, deviceIdentity: [0x0A, 0x02, 0x01, 0x02])
    }

    var decryptor: MessageDecryptor { MessageDecryptor(engine: engine) }

    func stanza(_ node: Node) throws -> IncomingMessageStanza {
        try IncomingMessageStanza(node, ownJID: jid, ownLID: lid)
    }
}

/// What the server does with a sent stanza: one `<message>` per `<to>` device, the sender's attributes
/// added, the stanza encoded and decoded as on the wire.
enum TestServer {
    /// - Parameter members: for group messages, every member device: those without a `<to>` get the
    ///   `skmsg` alone.
    static func deliver(
        _ sent: Node, from sender: JID, timestamp: UInt64 = 1_767_225_600, extra: Node.Attributes = [:], members: [JID] = []
    ) throws -> [JID: Node] {
        let wire = try BinaryDecoder().decodeFramePayload(try BinaryEncoder().encodeFramePayload(sent))
        guard let to = wire.jidAttribute("to"), let id = wire.attribute("id") else { throw MessagingError(.malformedStanza, "no to/id") }
        let isGroup = to.server == .group
        let shared = wire.children.filter { $0.tag == "enc" || $0.tag == "device-identity" }
        var delivered: [JID: Node] = [:]
        var targets = (wire.child("participants")?.children("to") ?? []).compactMap { target in
            target.jidAttribute("jid").map { ($0, target.children("enc")) }
        }
        for member in members where member != sender && !targets.contains(where: { $0.0 == member }) { targets.append((member, [])) }
        for (device, encs) in targets {
            var attributes: Node.Attributes = ["id": .string(id), "t": .string(String(timestamp))]
            if let type = wire.attribute("type") { attributes["type"] = .string(type) }
            if isGroup {
                attributes["from"] = .jid(to)
                attributes["participant"] = .jid(sender)
            } else {
                attributes["from"] = .jid(sender)
                if device.user == sender.user { attributes["recipient"] = .jid(to) }
            }
            for (key, value) in extra { attributes[key] = value }
            let children = isGroup ? encs + shared.filter { $0.tag == "enc" } : encs
            delivered[device] = Node(tag: "message", attributes: attributes, children: children)
        }
        return delivered
    }
}
