import Foundation
import WAGateCrypto
import WAGateStore

/// An account's history and outbox, with every body sealed by the account's data key before it
/// reaches PostgreSQL (the metadata columns — chat, sender, time, kind, status — stay searchable).
///
/// Writes take the account's lease, when it has one, and commit only while its fencing token is current.
public struct MessageStore: Sendable {
    private let keys: AccountKeys
    private let messages: MessageRepository
    private let outbox: OutboxRepository

    static let historyTable = "messages"
    static let outboxTable = "outbox"

    /// Creates the store.
    public init(pool: PGPool, keys: AccountKeys) {
        self.keys = keys
        self.messages = MessageRepository(pool: pool)
        self.outbox = OutboxRepository(pool: pool)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    // MARK: Inbound

    /// Stores inbound messages in one transaction: the durable write that must commit before WhatsApp
    /// is told the messages arrived.
    /// - Returns: for each message, whether it was new (`false` for a re-delivery).
    /// - Parameter alsoWrite: writes that must commit with the messages (the Signal state their
    ///   decryption advanced); it learns which messages were new.
    public func record(
        _ inbound: [InboundMessage], account: AccountID, authDir: String?, lease: AccountLease?,
        alsoWrite: (@Sendable (isolated PGConnection, [Bool]) throws -> Void)? = nil
    ) async throws -> [Bool] {
        let key = try await keys.dataKey(for: account, authDir: authDir)
        let records = try inbound.map { message in
            let body = try Self.encoder.encode(message)
            let sealed = try Sealer.seal(
                Array(body), key: key,
                context: SealContext(table: Self.historyTable, accountID: account.description, key: "\(message.chat)/\(message.id)"))
            return MessageRecord(
                accountID: account.description, chatJID: message.chat, messageID: message.id, senderJID: message.sender.jid,
                fromMe: message.fromMe, timestamp: message.timestamp, type: message.content.kind,
                status: message.fromMe ? "sent" : "received", bodySealed: sealed, metadata: Self.metadata(of: message))
        }
        return try await messages.insert(records, lease: lease, alsoWrite: alsoWrite)
    }

    /// Non-secret attributes worth searching: the quoted message's id and the number of mentions.
    private static func metadata(of message: InboundMessage) -> String? {
        guard let context = message.context else { return nil }
        var object: [String: JSONValue] = [:]
        if let quoted = context.quotedMessageID { object["quoted_id"] = .string(quoted) }
        if !context.mentions.isEmpty { object["mentions"] = .int(Int64(context.mentions.count)) }
        if context.forwarded { object["forwarded"] = true }
        guard !object.isEmpty, let data = try? encoder.encode(JSONValue.object(object)) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: Outbound

    /// Queues messages to send (and records them in the history as `pending`) in one transaction.
    /// - Parameter items: each message with the id it will be sent under.
    public func enqueue(
        _ items: [(id: String, message: OutboundMessage)], account: AccountID, authDir: String?, lease: AccountLease?, now: Date = Date()
    ) async throws {
        let key = try await keys.dataKey(for: account, authDir: authDir)
        let rows = try items.map { item in
            let body = Array(try Self.encoder.encode(item.message))
            let outboxSealed = try Sealer.seal(
                body, key: key, context: SealContext(table: Self.outboxTable, accountID: account.description, key: item.id))
            let historySealed = try Sealer.seal(
                body, key: key,
                context: SealContext(table: Self.historyTable, accountID: account.description, key: "\(item.message.chat)/\(item.id)"))
            let history = MessageRecord(
                accountID: account.description, chatJID: item.message.chat, messageID: item.id, senderJID: nil, fromMe: true,
                timestamp: now, type: item.message.kind, status: "pending", bodySealed: historySealed)
            return (chatJID: item.message.chat, messageID: item.id, kind: item.message.kind, bodySealed: outboxSealed, history: history)
        }
        _ = try await outbox.enqueue(rows, accountID: account.description, lease: lease)
    }

    /// The outbox rows due now, opened, in the order they were queued.
    /// - Throws: when a row does not open (a row altered in the database is an error, not a send).
    public func due(account: AccountID, authDir: String?, limit: Int) async throws -> [QueuedMessage] {
        let rows = try await outbox.due(accountID: account.description, limit: limit)
        guard !rows.isEmpty else { return [] }
        let key = try await keys.dataKey(for: account, authDir: authDir)
        return try rows.map { row in
            let plain = try Sealer.open(
                row.bodySealed ?? [], key: key,
                context: SealContext(table: Self.outboxTable, accountID: account.description, key: row.messageID))
            let message = try Self.decoder.decode(OutboundMessage.self, from: Data(plain))
            return QueuedMessage(outboxID: row.outboxID, id: row.messageID, message: message, attempts: row.attempts)
        }
    }

    /// Seconds until the next pending row is due; `nil` when the outbox is empty.
    public func nextDue(account: AccountID) async throws -> Double? {
        try await outbox.nextDue(accountID: account.description)
    }

    /// Rows waiting to be sent.
    public func pendingCount(account: AccountID) async throws -> Int {
        try await outbox.pendingCount(accountID: account.description)
    }

    /// Records a successful send under WhatsApp's id for it.
    public func markSent(_ queued: QueuedMessage, remoteID: String, account: AccountID, lease: AccountLease?) async throws {
        try await outbox.markSent(
            accountID: account.description, outboxID: queued.outboxID, messageID: queued.id, remoteID: remoteID, lease: lease)
    }

    /// Puts a message back for another try after `delay`.
    public func reschedule(
        _ queued: QueuedMessage, after delay: Duration, error: String, code: Int?, account: AccountID, lease: AccountLease?
    ) async throws {
        let (seconds, attoseconds) = delay.components
        try await outbox.reschedule(
            accountID: account.description, outboxID: queued.outboxID, delay: Double(seconds) + Double(attoseconds) / 1e18,
            error: error, code: code, lease: lease)
    }

    /// Gives up on a message, recording why.
    public func markFailed(_ queued: QueuedMessage, error: String, code: Int?, account: AccountID, lease: AccountLease?) async throws {
        try await outbox.markFailed(
            accountID: account.description, outboxID: queued.outboxID, messageID: queued.id, error: error, code: code, lease: lease)
    }

    /// Applies delivery news (any order, any number of times: a message's state only moves forward).
    public func apply(_ updates: [MessageStatusUpdate], account: AccountID, lease: AccountLease?) async throws {
        for update in updates {
            let failure = update.status == .failed ? (update.errors.first.map { ($0.code, $0.description) } ?? (0, "failed")) : nil
            try await outbox.applyStatus(
                accountID: account.description, remoteID: update.messageID, status: update.status.rawValue, rank: update.status.rank,
                failure: failure, lease: lease)
        }
    }

    // MARK: History

    /// The latest `limit` messages of `chat` (or of every chat), oldest first, opened.
    public func history(account: AccountID, authDir: String?, chat: String?, limit: Int, before: Date? = nil) async throws -> [HistoryEntry] {
        try await open(
            try await messages.history(accountID: account.description, chatJID: chat, limit: limit, before: before), account: account,
            authDir: authDir)
    }

    /// The stored message with this id (WhatsApp's or the gateway's), opened; `nil` when there is none.
    public func message(id: String, account: AccountID, authDir: String?) async throws -> HistoryEntry? {
        try await open(try await messages.find(accountID: account.description, messageID: id), account: account, authDir: authDir).first
    }

    private func open(_ rows: [MessageRecord], account: AccountID, authDir: String?) async throws -> [HistoryEntry] {
        guard !rows.isEmpty else { return [] }
        let key = try await keys.dataKey(for: account, authDir: authDir)
        return rows.map { row in
            var text: String?
            var inbound: InboundMessage?
            if let sealed = row.bodySealed,
                let plain = try? Sealer.open(
                    sealed, key: key,
                    context: SealContext(table: Self.historyTable, accountID: account.description, key: "\(row.chatJID)/\(row.messageID)"))
            {
                if row.fromMe, let outbound = try? Self.decoder.decode(OutboundMessage.self, from: Data(plain)) {
                    if case .text(let body, _) = outbound.content { text = body }
                } else if let message = try? Self.decoder.decode(InboundMessage.self, from: Data(plain)) {
                    inbound = message
                    text = message.content.text
                }
            }
            var entry = HistoryEntry(
                chat: row.chatJID, id: row.messageID, sender: row.senderJID, fromMe: row.fromMe, timestamp: row.timestamp,
                type: row.type, status: row.status, text: text, inbound: inbound)
            if let metadata = row.metadata, let json = try? JSONValue.parse(metadata), let error = json["error"]?.stringValue {
                entry.error = error
            }
            return entry
        }
    }
}
