import Foundation

/// One message of an account's history, opened: what `messages.history` shows and what a prompt's
/// history window is built from.
public struct HistoryEntry: Sendable, Hashable, Codable {
    /// The chat's JID.
    public var chat: String
    /// The message id.
    public var id: String
    /// The author's JID (`nil` for the account's own messages).
    public var sender: String?
    /// Whether the account sent it.
    public var fromMe: Bool
    /// When it was sent.
    public var timestamp: Date
    /// Its kind (`text`, `image`, ...).
    public var type: String
    /// Delivery state (`received` for inbound messages).
    public var status: String?
    /// The text to show or to give a model, when the message has one.
    public var text: String?
    /// The inbound message in full, for messages the account received.
    public var inbound: InboundMessage?
    /// Why sending it failed, for a `failed` outbound message (WhatsApp's code and explanation).
    public var error: String?

    /// Creates an entry.
    public init(
        chat: String, id: String, sender: String?, fromMe: Bool, timestamp: Date, type: String, status: String?, text: String?,
        inbound: InboundMessage?
    ) {
        self.chat = chat
        self.id = id
        self.sender = sender
        self.fromMe = fromMe
        self.timestamp = timestamp
        self.type = type
        self.status = status
        self.text = text
        self.inbound = inbound
    }
}
