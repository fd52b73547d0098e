import Foundation

/// One row of the outbox: a message the account will send, with its id fixed at insert so that a resend
/// after a crash is the same message.
public struct OutboxRecord: Sendable, Hashable {
    /// The account.
    public var accountID: String
    /// The row's number, in insertion order within the gateway.
    public var outboxID: Int64
    /// The chat's JID.
    public var chatJID: String
    /// The id the gateway chose.
    public var messageID: String
    /// Its kind (`text`, `reaction`).
    public var kind: String
    /// The sealed body.
    public var bodySealed: [UInt8]?
    /// `pending`, `sent` or `failed`.
    public var status: String
    /// Sends tried so far.
    public var attempts: Int
    /// Why the last try failed.
    public var lastError: String?
    /// WhatsApp's code for that failure.
    public var errorCode: Int?
    /// WhatsApp's id for the message once sent.
    public var remoteID: String?
    /// When the row was queued.
    public var createdAt: Date
    /// Not to be tried before this instant (database clock).
    public var nextAttemptAt: Date
}
