/// How an account's outbox reaches WhatsApp: the WhatsApp Web connection or the Graph API client.
///
/// A transport sends one message at a time and says, when it cannot, what should happen next
/// (``SendError``); pacing, retries and bookkeeping are the outbox dispatcher's.
public protocol MessageTransport: Sendable {
    /// Sends `message` under the gateway's id `id`.
    /// - Returns: WhatsApp's id for the message (the same `id` on WhatsApp Web; a `wamid` on the Cloud API).
    /// - Throws: ``SendError`` saying whether to retry, slow down, or give up.
    func send(_ message: OutboundMessage, id: String) async throws -> String

    /// Tells WhatsApp the message was read (blue ticks), where the account's settings want it.
    func markRead(_ message: InboundMessage) async throws

    /// Shows "typing…" in the chat of `message` while the agent works on a reply.
    func showTyping(replyingTo message: InboundMessage) async throws
}
