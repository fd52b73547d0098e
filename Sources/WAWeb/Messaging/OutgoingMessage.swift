import WABinary

/// A `<message>` stanza ready to send, built by ``MessageEncryptor``, with what the sender needs to
/// keep: the participant hash to compare with the server's ack, who got the message, who did not.
public struct OutgoingMessage: Sendable {
    /// The stanza.
    public var node: Node
    /// The participant hash over the device list (reference §5.9): set as `phash` on group stanzas;
    /// for 1:1 messages compare it with the `phash` of the server's ack (a difference means the device
    /// list is stale).
    public var phash: String
    /// The devices an `<enc>` was made for (the sender key distribution, for group messages).
    public var recipients: [JID]
    /// The devices left out, and why (no session and no bundle, a bundle that did not verify, ...).
    public var failures: [JID: MessagingError]
    /// True when at least one `<enc>` is a `pkmsg` (the stanza then carries `<device-identity>`).
    public var includesPreKeyMessage: Bool

    /// A message from its parts.
    public init(node: Node, phash: String, recipients: [JID], failures: [JID: MessagingError], includesPreKeyMessage: Bool) {
        self.node = node
        self.phash = phash
        self.recipients = recipients
        self.failures = failures
        self.includesPreKeyMessage = includesPreKeyMessage
    }
}
