import WABinary

/// An incoming `<receipt>` about messages we sent (reference §5.5): delivered (no type), `read`,
/// `played`, `retry`, `sender`, ... Always acknowledge it with `Receipts.ack(for:)`.
public struct IncomingReceipt: Sendable, Equatable {
    /// The stanza as received.
    public var node: Node
    /// The first message id (`id`).
    public var id: String
    /// Who sent the receipt (the recipient's device, or the group).
    public var from: JID
    /// `participant`: the recipient in a group.
    public var participant: JID?
    /// `recipient`: the chat, for receipts from our own devices.
    public var recipient: JID?
    /// `type`; `nil` means delivered.
    public var type: String?
    /// `t`, Unix seconds.
    public var timestamp: UInt64?
    /// Every message the receipt is about: `id` followed by the `<list><item id/>` ids.
    public var messageIDs: [String]

    /// Reads a `<receipt>`.
    /// - Throws: ``MessagingError/Code/malformedStanza`` for another tag, no `id` or no JID `from`.
    public init(_ node: Node) throws {
        guard node.tag == "receipt" else { throw MessagingError(.malformedStanza, "<\(node.tag)> is not a <receipt>") }
        guard let id = node.attribute("id") else { throw MessagingError(.malformedStanza, "the <receipt> has no id") }
        guard let from = node.jidAttribute("from") else { throw MessagingError(.malformedStanza, "receipt \(id) has no JID from") }
        self.node = node
        self.id = id
        self.from = from
        participant = node.jidAttribute("participant")
        recipient = node.jidAttribute("recipient")
        type = node.attribute("type")
        timestamp = node.attribute("t").flatMap(UInt64.init)
        messageIDs = [id] + (node.child("list")?.children("item").compactMap { $0.attribute("id") } ?? [])
    }
}
