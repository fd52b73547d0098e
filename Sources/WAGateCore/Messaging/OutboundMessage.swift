/// Something the account sends: a reply, a reaction, a typing hint's companion message. It becomes an
/// outbox row (with its WhatsApp message id fixed at insert) before it becomes a frame or an HTTP call.
public struct OutboundMessage: Sendable, Hashable, Codable {
    /// What to send.
    public enum Content: Sendable, Hashable, Codable {
        /// Text; `previewURL` asks for a link preview where the link supports it.
        case text(String, previewURL: Bool = false)
        /// A reaction to `messageID`; an empty emoji removes the account's reaction.
        case reaction(messageID: String, emoji: String)
    }

    /// The chat (JID form).
    public var chat: String
    /// What to send.
    public var content: Content
    /// The message this one replies to (quoted), if any.
    public var replyTo: String?

    /// Creates a message.
    public init(chat: String, content: Content, replyTo: String? = nil) {
        self.chat = chat
        self.content = content
        self.replyTo = replyTo
    }

    /// The kind in one word, as stored in history (`text`, `reaction`).
    public var kind: String {
        switch content {
        case .text: "text"
        case .reaction: "reaction"
        }
    }
}
