import Foundation

/// One row of the history (`messages`): searchable metadata in the clear, the body sealed.
public struct MessageRecord: Sendable, Hashable {
    /// The account.
    public var accountID: String
    /// The chat's JID.
    public var chatJID: String
    /// The message id (WhatsApp's for inbound, the gateway's for outbound).
    public var messageID: String
    /// The author's JID (`nil` for the account's own messages).
    public var senderJID: String?
    /// Whether the account sent it.
    public var fromMe: Bool
    /// When it was sent.
    public var timestamp: Date
    /// Its kind (`text`, `image`, `reaction`, ...).
    public var type: String
    /// Delivery state of an outbound message (`pending`, `sent`, `delivered`, `read`, `played`, `failed`);
    /// `received` for inbound ones.
    public var status: String?
    /// The sealed body.
    public var bodySealed: [UInt8]?
    /// Non-secret attributes as JSON text.
    public var metadata: String?
    /// WhatsApp's id for an outbound message when it differs from `messageID`.
    public var remoteID: String?

    /// Creates a record.
    public init(
        accountID: String, chatJID: String, messageID: String, senderJID: String?, fromMe: Bool, timestamp: Date, type: String,
        status: String?, bodySealed: [UInt8]?, metadata: String? = nil, remoteID: String? = nil
    ) {
        self.accountID = accountID
        self.chatJID = chatJID
        self.messageID = messageID
        self.senderJID = senderJID
        self.fromMe = fromMe
        self.timestamp = timestamp
        self.type = type
        self.status = status
        self.bodySealed = bodySealed
        self.metadata = metadata
        self.remoteID = remoteID
    }
}
