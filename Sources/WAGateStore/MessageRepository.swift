import Foundation

/// The history (`messages`): inbound messages stored once, outbound ones with their delivery state.
///
/// Writes that belong to an account's session take the account's lease and check its fencing token in
/// the same transaction (``LeaseRepository/checkFence(_:lease:)``); `nil` means the caller runs without
/// leases (a tool, or a test of this repository alone).
public struct MessageRepository: Sendable {
    private let pool: PGPool

    /// - Parameter pool: the gateway's connection pool.
    public init(pool: PGPool) { self.pool = pool }

    /// Rank of each delivery state, so news applied in any order only ever moves a message forward.
    static let statusRankSQL = """
        CASE status WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 WHEN 'played' THEN 4
                    WHEN 'failed' THEN 5 ELSE 0 END
        """

    /// Stores inbound messages in one transaction.
    /// - Returns: for each record, whether it was new (`false`: the same chat and id were already stored,
    ///   a re-delivery to acknowledge and drop).
    /// - Throws: `StoreError` (``StoreError/Code/staleFence`` when the lease was lost: nothing was written).
    /// - Parameter alsoWrite: further writes that must commit with the messages or not at all (the
    ///   Signal state their decryption advanced); it learns which records were new.
    public func insert(
        _ records: [MessageRecord], lease: AccountLease?,
        alsoWrite: (@Sendable (isolated PGConnection, [Bool]) throws -> Void)? = nil
    ) async throws -> [Bool] {
        guard !records.isEmpty || alsoWrite != nil else { return [] }
        return try await pool.transaction { connection in
            if let lease { try LeaseRepository.checkFence(connection, lease: lease) }
            let fresh = try records.map { try Self.insert(connection, $0) }
            try alsoWrite?(connection, fresh)
            return fresh
        }
    }

    /// Inside a transaction: stores one record unless its (account, chat, id) is already there.
    /// - Returns: whether it was new.
    public static func insert(_ connection: isolated PGConnection, _ record: MessageRecord) throws -> Bool {
        try connection.execute(
            """
            INSERT INTO messages (account_id, chat_jid, message_id, sender_jid, from_me, ts, type, status, body_sealed,
                                  metadata, remote_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11)
            ON CONFLICT (account_id, chat_jid, message_id) DO NOTHING
            """,
            [
                .text(record.accountID), .text(record.chatJID), .text(record.messageID), .optional(record.senderJID),
                .bool(record.fromMe), .timestamp(record.timestamp), .text(record.type), .optional(record.status),
                .optional(record.bodySealed), .optional(record.metadata), .optional(record.remoteID),
            ]) == 1
    }

    /// Inside a transaction: moves the message WhatsApp knows as `remoteID` to `status` unless it is
    /// already there or further along.
    /// - Returns: the rows changed (0 for stale or unknown news).
    @discardableResult
    public static func advanceStatus(
        _ connection: isolated PGConnection, accountID: String, remoteID: String, status: String, rank: Int
    ) throws -> Int {
        try connection.execute(
            """
            UPDATE messages SET status = $3
            WHERE account_id = $1 AND from_me AND (remote_id = $2 OR (remote_id IS NULL AND message_id = $2))
              AND \(statusRankSQL) < $4
            """, [.text(accountID), .text(remoteID), .text(status), .int(Int64(rank))])
    }

    /// The latest `limit` messages of a chat (or of every chat), oldest first; `before` pages back.
    public func history(accountID: String, chatJID: String?, limit: Int, before: Date? = nil) async throws -> [MessageRecord] {
        let result = try await pool.query(
            """
            SELECT * FROM (
                SELECT account_id, chat_jid, message_id, sender_jid, from_me, ts, type, status, body_sealed,
                       metadata::text AS metadata, remote_id
                FROM messages
                WHERE account_id = $1 AND ($2::text IS NULL OR chat_jid = $2) AND ($4::timestamptz IS NULL OR ts < $4)
                ORDER BY ts DESC, message_id DESC
                LIMIT $3
            ) latest ORDER BY ts, message_id
            """, [.text(accountID), .optional(chatJID), .int(Int64(max(0, limit))), .optional(before)])
        return try (0..<result.rowCount).map { row in
            MessageRecord(
                accountID: try result.string(row: row, column: "account_id") ?? accountID,
                chatJID: try result.string(row: row, column: "chat_jid") ?? "",
                messageID: try result.string(row: row, column: "message_id") ?? "",
                senderJID: try result.string(row: row, column: "sender_jid"),
                fromMe: try result.bool(row: row, column: "from_me") ?? false,
                timestamp: try result.date(row: row, column: "ts") ?? .distantPast,
                type: try result.string(row: row, column: "type") ?? "",
                status: try result.string(row: row, column: "status"),
                bodySealed: try result.bytes(row: row, column: "body_sealed"),
                metadata: try result.string(row: row, column: "metadata"),
                remoteID: try result.string(row: row, column: "remote_id"))
        }
    }

    /// The stored messages with this id (in any chat; normally one).
    public func find(accountID: String, messageID: String) async throws -> [MessageRecord] {
        let result = try await pool.query(
            """
            SELECT account_id, chat_jid, message_id, sender_jid, from_me, ts, type, status, body_sealed,
                   metadata::text AS metadata, remote_id
            FROM messages WHERE account_id = $1 AND (message_id = $2 OR remote_id = $2)
            ORDER BY ts
            """, [.text(accountID), .text(messageID)])
        return try (0..<result.rowCount).map { row in
            MessageRecord(
                accountID: accountID, chatJID: try result.string(row: row, column: "chat_jid") ?? "",
                messageID: try result.string(row: row, column: "message_id") ?? "",
                senderJID: try result.string(row: row, column: "sender_jid"),
                fromMe: try result.bool(row: row, column: "from_me") ?? false,
                timestamp: try result.date(row: row, column: "ts") ?? .distantPast,
                type: try result.string(row: row, column: "type") ?? "", status: try result.string(row: row, column: "status"),
                bodySealed: try result.bytes(row: row, column: "body_sealed"), metadata: try result.string(row: row, column: "metadata"),
                remoteID: try result.string(row: row, column: "remote_id"))
        }
    }

    /// Counts an account's stored messages, by direction.
    public func counts(accountID: String) async throws -> (inbound: Int, outbound: Int) {
        let result = try await pool.query(
            "SELECT count(*) FILTER (WHERE NOT from_me), count(*) FILTER (WHERE from_me) FROM messages WHERE account_id = $1",
            [.text(accountID)])
        return (Int(try result.int(row: 0, column: 0) ?? 0), Int(try result.int(row: 0, column: 1) ?? 0))
    }
}
