/// What Meta answered to an accepted message.
public struct GraphSendResult: Sendable, Hashable {
    /// The `wamid` of the new message (`messages[0].id`): the key statuses will refer to.
    public var messageID: String
    /// The recipient's WhatsApp id as Meta resolved it (`contacts[0].wa_id`), when given.
    public var recipientWaID: String?
    /// `messages[0].message_status` (templates: `accepted`, `held_for_quality_assessment`), when given.
    public var messageStatus: String?

    /// Creates a result.
    public init(messageID: String, recipientWaID: String? = nil, messageStatus: String? = nil) {
        self.messageID = messageID
        self.recipientWaID = recipientWaID
        self.messageStatus = messageStatus
    }
}
