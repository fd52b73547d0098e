import Foundation

/// A message someone sent to an account (or that the account sent from another of its devices), as the
/// gateway keeps it, whatever the link it came through: WhatsApp Web or the Cloud API map into this.
///
/// Chats and senders are JIDs in text form (`15551234567@s.whatsapp.net`, `…@g.us`, `…@lid`); the Cloud
/// API's `wa_id` becomes `<wa_id>@s.whatsapp.net` so that history and policy see one kind of address.
public struct InboundMessage: Sendable, Hashable, Codable {
    /// The id WhatsApp gave the message (a `wamid.…` for the Cloud API); unique within the chat.
    public var id: String
    /// The chat: the other person's JID for a direct chat, the group's JID for a group.
    public var chat: String
    /// Who wrote it.
    public var sender: MessageSender
    /// When it was sent, by the sender's clock as WhatsApp reports it.
    public var timestamp: Date
    /// `true` for a message the account itself sent from another device.
    public var fromMe: Bool
    /// What it says.
    public var content: MessageContent
    /// Reply, mentions, forwarding and ad referral, when there are any.
    public var context: MessageContext?
    /// Errors WhatsApp attached to the message itself (Cloud API `messages[].errors`, e.g. 131051 for a
    /// type it cannot deliver to businesses); empty for an ordinary message.
    public var errors: [SendFailure]

    /// Creates a message.
    public init(
        id: String, chat: String, sender: MessageSender, timestamp: Date, fromMe: Bool = false,
        content: MessageContent, context: MessageContext? = nil, errors: [SendFailure] = []
    ) {
        self.id = id
        self.chat = chat
        self.sender = sender
        self.timestamp = timestamp
        self.fromMe = fromMe
        self.content = content
        self.context = context
        self.errors = errors
    }

    /// Whether the chat is a group.
    public var isGroup: Bool { chat.hasSuffix("@g.us") }
}
