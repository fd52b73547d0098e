import WABinary

/// An incoming `<message>` stanza, read (reference §5.3): who sent it, to which chat, with which
/// alternate identities, and its `<enc>` children in document order. Nothing is decrypted here.
///
/// Source resolution follows whatsmeow's `parseMessageSource`:
/// - from a group (`g.us`) or broadcast: chat = `from`, sender = `participant`;
/// - from our own user (PN or LID): a message our other device sent; chat = `recipient`, else `from`
///   without device; ``isFromMe``;
/// - otherwise a direct message: chat = `from` without device, sender = `from`.
///
/// ```swift
/// let stanza = try IncomingMessageStanza(node, ownJID: paired.jid, ownLID: paired.lid)
/// let decryption = MessageDecryptor(engine: engine).decrypt(stanza)
/// ```
public struct IncomingMessageStanza: Sendable, Equatable {
    /// One `<enc>` child.
    public struct Encrypted: Sendable, Equatable {
        /// The `type` attribute: `pkmsg`, `msg`, `skmsg`, `msmsg`, or something newer.
        public var type: String
        /// The `v` attribute: 2 for padded `Message` protobufs, 3 for the unpadded "armadillo" format.
        public var version: Int
        /// The `count` attribute: how often the sender already re-sent this message after retry receipts (0 if absent).
        public var retryCount: Int
        /// The `mediatype` attribute, when present.
        public var mediaType: String?
        /// The `decrypt-fail` attribute (`hide` for reactions, edits, poll votes), when present.
        public var decryptFail: String?
        /// The ciphertext.
        public var ciphertext: [UInt8]

        /// An `<enc>` from its parts.
        public init(type: String, version: Int, retryCount: Int = 0, mediaType: String? = nil, decryptFail: String? = nil, ciphertext: [UInt8]) {
            self.type = type
            self.version = version
            self.retryCount = retryCount
            self.mediaType = mediaType
            self.decryptFail = decryptFail
            self.ciphertext = ciphertext
        }
    }

    /// `addressing_mode`: whether participants are named by phone number or by LID.
    public enum AddressingMode: String, Sendable {
        /// Phone-number JIDs.
        case pn
        /// LID JIDs.
        case lid
    }

    /// The stanza as received (receipts and acks echo its attributes).
    public var node: Node
    /// The message id.
    public var id: String
    /// `from`: the sending device (DMs), or the group / broadcast.
    public var from: JID
    /// The chat: the other user (DMs, without device), the group, or — for our own messages — the recipient.
    public var chat: JID
    /// The sending device (AD JID).
    public var sender: JID
    /// `participant`, when present (groups, broadcasts).
    public var participant: JID?
    /// `recipient`, when present (our own messages from another device).
    public var recipient: JID?
    /// True for a message one of our other devices sent.
    public var isFromMe: Bool
    /// True when the chat is a group or a broadcast.
    public var isGroup: Bool
    /// `addressing_mode`, when present and known.
    public var addressingMode: AddressingMode?
    /// The sender's LID device JID: the sender itself when it is a LID, else `sender_lid` /
    /// `participant_lid` with the sender's device number.
    public var senderLID: JID?
    /// The sender's phone-number device JID: the sender itself when it is one, else `sender_pn` / `participant_pn`.
    public var senderPN: JID?
    /// `notify`: the sender's push name.
    public var pushName: String?
    /// `t`: the send time, Unix seconds.
    public var timestamp: UInt64?
    /// `type`: `text`, `media`, `reaction`, `poll`, ...
    public var type: String?
    /// `edit`: 1 edit, 2 pin, 3 admin edit, 7 sender revoke, 8 admin revoke.
    public var edit: String?
    /// `category`: `peer` for protocol messages from our own phone.
    public var category: String?
    /// True when the stanza was queued while we were offline (`offline` attribute).
    public var isOffline: Bool
    /// The `<enc>` children, in document order.
    public var encrypted: [Encrypted]
    /// `<unavailable type=…>`: the content must be asked from the phone (no `<enc>`).
    public var unavailableType: String?

    /// Reads a `<message>` stanza.
    /// - Parameters:
    ///   - node: the stanza.
    ///   - ownJID: our device JID on the phone-number server.
    ///   - ownLID: our LID device JID, when known.
    /// - Throws: ``MessagingError/Code/malformedStanza`` for another tag, no `id`, no JID `from`, a group
    ///   message without `participant`, or an `<enc>` without `type` or with a non-numeric `v` / `count`.
    public init(_ node: Node, ownJID: JID, ownLID: JID?) throws {
        guard node.tag == "message" else { throw MessagingError(.malformedStanza, "<\(node.tag)> is not a <message>") }
        guard let id = node.attribute("id"), !id.isEmpty else { throw MessagingError(.malformedStanza, "the <message> has no id") }
        guard let from = node.jidAttribute("from") else { throw MessagingError(.malformedStanza, "message \(id) has no JID from") }
        self.node = node
        self.id = id
        self.from = from
        participant = node.jidAttribute("participant")
        recipient = node.jidAttribute("recipient")
        addressingMode = node.attribute("addressing_mode").flatMap(AddressingMode.init(rawValue:))
        pushName = node.attribute("notify")
        timestamp = node.attribute("t").flatMap(UInt64.init)
        type = node.attribute("type")
        edit = node.attribute("edit")
        category = node.attribute("category")
        isOffline = node.attribute("offline") != nil
        unavailableType = node.child("unavailable")?.attribute("type")

        var alternate: JID?
        if from.server == .group || from.server == .broadcast {
            guard let participant else { throw MessagingError(.malformedStanza, "group message \(id) has no participant") }
            isGroup = true
            chat = from
            sender = participant
            alternate = node.jidAttribute(addressingMode == .lid ? "participant_pn" : "participant_lid")
            isFromMe = participant.user == ownJID.user || participant.user == ownLID?.user
        } else if from.user == ownJID.user || (ownLID.map { from.user == $0.user } ?? false) {
            isGroup = false
            isFromMe = true
            sender = from
            chat = recipient ?? from.withoutDevice
            alternate = nil
        } else {
            isGroup = false
            isFromMe = false
            sender = from
            chat = from.withoutDevice
            alternate = node.jidAttribute(from.server == .lid ? "sender_pn" : "sender_lid")
        }
        // Alternates come without a device part: the sending device is the same on both sides.
        if var other = alternate, other.device == 0 {
            other.device = sender.device
            alternate = other
        }
        switch sender.server {
        case .lid:
            senderLID = sender
            senderPN = alternate
        case .defaultUser:
            senderPN = sender
            senderLID = alternate
        default:
            senderPN = nil
            senderLID = nil
        }

        encrypted = try node.children("enc").map { enc in
            guard let type = enc.attribute("type") else { throw MessagingError(.malformedStanza, "an <enc> of \(id) has no type") }
            guard let version = Int(enc.attribute("v") ?? "2") else { throw MessagingError(.malformedStanza, "an <enc> of \(id) has a bad v") }
            guard let count = Int(enc.attribute("count") ?? "0"), count >= 0 else {
                throw MessagingError(.malformedStanza, "an <enc> of \(id) has a bad count")
            }
            return Encrypted(
                type: type, version: version, retryCount: count, mediaType: enc.attribute("mediatype"),
                decryptFail: enc.attribute("decrypt-fail"), ciphertext: enc.contentBytes ?? [])
        }
    }

    /// The device JID whose Signal session (or sender key) decrypts this message: the sender's LID
    /// device when known and `prefersLID`, else the sender as it appears (reference §10).
    public func signalIdentity(prefersLID: Bool) -> JID {
        if prefersLID, let senderLID { return senderLID }
        return sender
    }
}
