import WAGateCore

/// What one webhook delivery carried for one business phone number (`metadata.phone_number_id`): the
/// unit the gateway routes to an account.
public struct CloudPhoneNumberBatch: Sendable, Hashable {
    /// The business number's id (`metadata.phone_number_id`): the routing key.
    public var phoneNumberID: String
    /// The business number as displayed (`metadata.display_phone_number`), when given.
    public var displayPhoneNumber: String?
    /// The WhatsApp Business Account the entry came from (`entry[].id`), to check the number belongs
    /// to it.
    public var businessAccountID: String?
    /// Messages users sent, and the business's own messages echoed from the WhatsApp Business app
    /// (`smb_message_echoes`, with `fromMe`).
    public var messages: [InboundMessage]
    /// Delivery news about messages the account sent.
    public var statuses: [MessageStatusUpdate]
    /// Errors reported for the change as a whole (`value.errors`), not tied to one message.
    public var errors: [SendFailure]
    /// Other news for this number, and items skipped with the reason.
    public var events: [CloudWebhookEvent]

    /// Creates a batch.
    public init(
        phoneNumberID: String, displayPhoneNumber: String? = nil, businessAccountID: String? = nil,
        messages: [InboundMessage] = [], statuses: [MessageStatusUpdate] = [], errors: [SendFailure] = [],
        events: [CloudWebhookEvent] = []
    ) {
        self.phoneNumberID = phoneNumberID
        self.displayPhoneNumber = displayPhoneNumber
        self.businessAccountID = businessAccountID
        self.messages = messages
        self.statuses = statuses
        self.errors = errors
        self.events = events
    }
}
