/// What one webhook delivery carried for a WhatsApp Business Account as a whole, not for one of its
/// numbers (`account_update`, `message_template_status_update`: changes without `metadata`).
public struct CloudBusinessAccountBatch: Sendable, Hashable {
    /// The WhatsApp Business Account id (`entry[].id`).
    public var businessAccountID: String
    /// The news, and items skipped with the reason.
    public var events: [CloudWebhookEvent]

    /// Creates a batch.
    public init(businessAccountID: String, events: [CloudWebhookEvent] = []) {
        self.businessAccountID = businessAccountID
        self.events = events
    }
}
