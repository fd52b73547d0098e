import Foundation
import WAGateStore

/// The message path of one account (DESIGN §1): the durable write of what arrives, the conversation
/// that answers it, and the outbox that sends.
///
/// The account owns one for its whole life; the link feeds it (``receive(_:)`` returns only after the
/// durable write, so the link acknowledges to WhatsApp after it), and while the link is connected the
/// account runs ``deliver(through:onAccountFailure:)`` with the link's transport.
public protocol AccountMessaging: Sendable {
    /// Runs the conversation's background work (debounce timers, replies) until cancelled.
    func run() async

    /// Stores inbound messages, then hands the new ones to the conversation.
    /// - Parameter alsoWrite: writes that commit in the same transaction (the Signal state the
    ///   messages' decryption advanced).
    /// - Throws: when the durable write failed: nothing may be acknowledged, WhatsApp will deliver again.
    func receive(_ messages: [InboundMessage], alsoWrite: InboundCompanionWrite?) async throws

    /// Applies delivery news about sent messages.
    func apply(_ updates: [MessageStatusUpdate]) async throws

    /// Sends the outbox through `transport` until cancelled.
    /// - Parameter onAccountFailure: called when WhatsApp refuses the account itself (for example an
    ///   expired token); the account then stops with that reason.
    func deliver(through transport: any MessageTransport, onAccountFailure: @escaping @Sendable (String) -> Void) async

    /// Queues text for `chat` as the agent would send it (prefix and chunking applied) and returns the
    /// ids of the messages queued.
    func send(text: String, to chat: String) async throws -> [String]

    /// The latest `limit` messages of `chat` (every chat when `nil`), oldest first; `before` pages back.
    func history(chat: String?, limit: Int, before: Date?) async throws -> [HistoryEntry]

    /// The stored message with this id, opened; `nil` when there is none.
    func message(id: String) async throws -> HistoryEntry?

    /// The account's send limits and queue, for `accounts.limits`.
    func limitsSnapshot() async -> JSONValue

    /// Changes the account's send limits from now on.
    func updateLimits(_ limits: WhatsAppSettings.RateLimit) async

    /// The lease under which this process runs the account; every write of the message path is fenced
    /// by it. `nil` when the process runs without leases.
    func setLease(_ lease: AccountLease?) async

    /// The lease set last.
    func currentLease() async -> AccountLease?
}

extension AccountMessaging {
    /// Stores inbound messages that need no companion write (Cloud API webhooks).
    public func receive(_ messages: [InboundMessage]) async throws { try await receive(messages, alsoWrite: nil) }
}

/// Makes the message path of each account.
public struct AccountMessagingFactory: Sendable {
    let make: @Sendable (AccountID, AccountDefinition) -> (any AccountMessaging)?

    /// Creates a factory.
    public init(_ make: @escaping @Sendable (AccountID, AccountDefinition) -> (any AccountMessaging)?) { self.make = make }

    /// No message path: accounts connect but neither store nor answer anything (tools and tests of the
    /// host alone).
    public static let none = AccountMessagingFactory { _, _ in nil }
}
