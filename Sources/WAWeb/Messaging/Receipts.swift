import WABinary
import WASignal

/// The receipts and acks a client sends for incoming stanzas (reference §5.5, §5.8), as whatsmeow
/// builds them. Send them only after what they acknowledge is stored (DESIGN §1).
///
/// ```swift
/// switch (decryption.nackCode, decryption.needsRetry) {
/// case (let code?, _): try await session.send(Receipts.ack(for: stanza.node, error: code))
/// case (nil, true):
///     try await session.send(Receipts.retry(for: stanza, count: 1, registrationId: store.registrationId))
///     try await session.send(Receipts.ack(for: stanza.node))
/// case (nil, false): try await session.send(Receipts.delivery(for: stanza, active: true))
/// }
/// ```
public enum Receipts {
    /// Our keys in a retry receipt, so the sender can start a new session with us (reference §5.8).
    public struct RetryKeys: Sendable, Equatable {
        /// Our identity public key.
        public var identity: SignalPublicKey
        /// A fresh one-time prekey (stored and marked uploaded by the caller).
        public var preKey: PreKeyBundle.PreKey
        /// Our current signed prekey.
        public var signedPreKey: PreKeyUpload.SignedPreKey
        /// Our serialised `ADVSignedDeviceIdentity` (the stored account).
        public var deviceIdentity: [UInt8]

        /// Retry keys from their parts.
        public init(identity: SignalPublicKey, preKey: PreKeyBundle.PreKey, signedPreKey: PreKeyUpload.SignedPreKey, deviceIdentity: [UInt8]) {
            self.identity = identity
            self.preKey = preKey
            self.signedPreKey = signedPreKey
            self.deviceIdentity = deviceIdentity
        }
    }

    /// whatsmeow stops asking after this many retry receipts for one message.
    public static let maximumRetries = 5

    /// The delivery receipt for a handled message: `<receipt id to=from [participant] [recipient] [type]>`.
    ///
    /// `type` is `sender` for our own messages from another device (`peer_msg` for `category="peer"`),
    /// nothing when we are active (sent presence available), else `inactive`.
    public static func delivery(for stanza: IncomingMessageStanza, active: Bool) -> Node {
        var attributes = baseAttributes(of: stanza.node, id: stanza.id)
        if stanza.isFromMe {
            attributes["type"] = stanza.category == "peer" ? "peer_msg" : "sender"
        } else if !active {
            attributes["type"] = "inactive"
        }
        return Node(tag: "receipt", attributes: attributes)
    }

    /// A read receipt (a user action): `<receipt id=FIRST to=CHAT type="read" t=…>` with the other ids
    /// in `<list><item id/></list>`; `participant` is the sender in groups.
    /// - Parameters:
    ///   - messageIDs: the messages read (at least one; an empty list gives a receipt with an empty id).
    ///   - chat: the chat.
    ///   - sender: the author, for group chats (ignored for direct chats).
    ///   - timestamp: when they were read, Unix seconds.
    ///   - type: `read`, `read-self` (read receipts disabled: own devices only) or `played`.
    public static func read(messageIDs: [String], chat: JID, sender: JID?, timestamp: UInt64, type: String = "read") -> Node {
        var attributes: Node.Attributes = [
            "id": .string(messageIDs.first ?? ""), "type": .string(type), "to": .jid(chat), "t": .string(String(timestamp)),
        ]
        if let sender, chat.server != .defaultUser, chat.server != .lid {
            attributes["participant"] = .jid(sender.withoutDevice)
        }
        let rest = messageIDs.dropFirst()
        guard !rest.isEmpty else { return Node(tag: "receipt", attributes: attributes) }
        return Node(
            tag: "receipt", attributes: attributes,
            children: [Node(tag: "list", children: rest.map { Node(tag: "item", attributes: ["id": .string($0)]) })])
    }

    /// `<ack class=TAG id to=from [participant] [recipient] [type] [error]>` for any stanza that is not
    /// answered otherwise: receipts, notifications, calls, and messages that could not be handled.
    /// `type` is echoed except for messages (whatsmeow).
    /// - Parameters:
    ///   - node: the stanza acknowledged.
    ///   - error: a nack code (487 parsing error, 488 unrecognized stanza, 491 invalid protobuf, 495, 500, ...).
    public static func ack(for node: Node, error: Int? = nil) -> Node {
        var attributes: Node.Attributes = ["class": .string(node.tag), "id": node.attributes["id"] ?? ""]
        if let from = node.attributes["from"] { attributes["to"] = from }
        if let participant = node.attributes["participant"] { attributes["participant"] = participant }
        if let recipient = node.attributes["recipient"] { attributes["recipient"] = recipient }
        if node.tag != "message", let type = node.attributes["type"] { attributes["type"] = type }
        if let error { attributes["error"] = .string(String(error)) }
        return Node(tag: "ack", attributes: attributes)
    }

    /// The retry receipt asking the sender to re-send a message we could not decrypt (reference §5.8):
    /// `<receipt type="retry" …><retry count id t v="1"/><registration/>[<keys>…</keys>]</receipt>`.
    /// - Parameters:
    ///   - stanza: the message that failed.
    ///   - count: this attempt's number (``nextRetryCount(previous:for:)``).
    ///   - registrationId: our registration id.
    ///   - keys: our keys, when the sender should rebuild its session (from the second attempt, or when
    ///     ``MessageDecryption/retryNeedsKeys``).
    public static func retry(for stanza: IncomingMessageStanza, count: Int, registrationId: UInt32, keys: RetryKeys? = nil) -> Node {
        var attributes = baseAttributes(of: stanza.node, id: stanza.id)
        attributes["type"] = "retry"
        if stanza.isFromMe && stanza.category == "peer" { attributes["category"] = "peer" }
        var retry: Node.Attributes = ["count": .string(String(count)), "id": .string(stanza.id)]
        if let t = stanza.node.attribute("t") { retry["t"] = .string(t) }
        retry["v"] = "1"
        var children = [Node(tag: "retry", attributes: retry), KeyNodes.registration(registrationId)]
        if let keys {
            children.append(
                Node(
                    tag: "keys",
                    children: [
                        KeyNodes.type(), KeyNodes.identity(keys.identity), KeyNodes.preKey(id: keys.preKey.id, publicKey: keys.preKey.publicKey),
                        KeyNodes.signedPreKey(
                            id: keys.signedPreKey.id, publicKey: keys.signedPreKey.publicKey, signature: keys.signedPreKey.signature),
                        Node(tag: "device-identity", content: .bytes(keys.deviceIdentity)),
                    ]))
        }
        return Node(tag: "receipt", attributes: attributes, children: children)
    }

    /// The number of the next retry receipt for a message: one more than the receipts already sent; when
    /// none were (e.g. after a restart) and the failing message is itself a re-send (`<enc count=n>`), n + 1.
    public static func nextRetryCount(previous: Int, for stanza: IncomingMessageStanza) -> Int {
        if previous == 0, stanza.encrypted.count == 1, stanza.encrypted[0].retryCount > 0 {
            return stanza.encrypted[0].retryCount + 1
        }
        return previous + 1
    }

    /// `id`, `to` = the stanza's `from`, and its `participant` and `recipient` when present.
    private static func baseAttributes(of node: Node, id: String) -> Node.Attributes {
        var attributes: Node.Attributes = ["id": .string(id)]
        if let from = node.attributes["from"] { attributes["to"] = from }
        if let recipient = node.attributes["recipient"] { attributes["recipient"] = recipient }
        if let participant = node.attributes["participant"] { attributes["participant"] = participant }
        return attributes
    }
}
