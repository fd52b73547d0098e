/// An outbox row, opened: what the dispatcher sends.
public struct QueuedMessage: Sendable, Hashable {
    /// The outbox row.
    public var outboxID: Int64
    /// The id the gateway chose for the message.
    public var id: String
    /// What to send.
    public var message: OutboundMessage
    /// Sends tried so far.
    public var attempts: Int

    /// Creates a queued message.
    public init(outboxID: Int64, id: String, message: OutboundMessage, attempts: Int) {
        self.outboxID = outboxID
        self.id = id
        self.message = message
        self.attempts = attempts
    }
}
