import Foundation

/// The outbox: every message an account sends is a row here (and a history row) before it is a send.
///
/// The row's `message_id` is chosen at insert, so a resend after a crash is the same message. The
/// dispatcher reads due rows in order and marks each sent, rescheduled or failed; every write checks the
/// account's fencing token when a lease is given.
public struct OutboxRepository: Sendable {
    private let pool: PGPool

    /// - Parameter pool: the gateway's connection pool.
    public init(pool: PGPool) { self.pool = pool }

    /// Queues messages and records them in the history as `pending`, in one transaction.
    /// - Parameter items: each outbox row's fields and the history record written with it.
    /// - Returns: the rows' outbox ids, in order.
    public func enqueue(
        _ items: [(chatJID: String, messageID: String, kind: String, bodySealed: [UInt8], history: MessageRecord)],
        accountID: String, lease: AccountLease?
    ) async throws -> [Int64] {
        guard !items.isEmpty else { return [] }
        return try await pool.transaction { connection in
            if let lease { try LeaseRepository.checkFence(connection, lease: lease) }
            return try items.map { item in
                _ = try MessageRepository.insert(connection, item.history)
                let result = try connection.query(
                    """
                    INSERT INTO outbox (account_id, chat_jid, message_id, kind, body_sealed)
                    VALUES ($1, $2, $3, $4, $5)
                    RETURNING outbox_id
                    """, [.text(accountID), .text(item.chatJID), .text(item.messageID), .text(item.kind), .bytes(item.bodySealed)])
                return try result.int(row: 0, column: 0) ?? 0
            }
        }
    }

    /// Pending rows whose time has come, in the order they were queued.
    public func due(accountID: String, limit: Int) async throws -> [OutboxRecord] {
        let result = try await pool.query(
            """
            SELECT outbox_id, chat_jid, message_id, kind, body_sealed, status, attempts, last_error, error_code,
                   remote_id, created_at, next_attempt_at
            FROM outbox
            WHERE account_id = $1 AND status = 'pending' AND next_attempt_at <= now()
            ORDER BY outbox_id
            LIMIT $2
            """, [.text(accountID), .int(Int64(max(1, limit)))])
        return try (0..<result.rowCount).map { row in
            OutboxRecord(
                accountID: accountID, outboxID: try result.int(row: row, column: "outbox_id") ?? 0,
                chatJID: try result.string(row: row, column: "chat_jid") ?? "",
                messageID: try result.string(row: row, column: "message_id") ?? "",
                kind: try result.string(row: row, column: "kind") ?? "text",
                bodySealed: try result.bytes(row: row, column: "body_sealed"),
                status: try result.string(row: row, column: "status") ?? "pending",
                attempts: Int(try result.int(row: row, column: "attempts") ?? 0),
                lastError: try result.string(row: row, column: "last_error"),
                errorCode: try result.int(row: row, column: "error_code").map { Int($0) },
                remoteID: try result.string(row: row, column: "remote_id"),
                createdAt: try result.date(row: row, column: "created_at") ?? .distantPast,
                nextAttemptAt: try result.date(row: row, column: "next_attempt_at") ?? .distantPast)
        }
    }

    /// Seconds until the earliest pending row is due (0 or less: due now); `nil` when none is pending.
    public func nextDue(accountID: String) async throws -> Double? {
        let result = try await pool.query(
            """
            SELECT extract(epoch FROM min(next_attempt_at) - now())::float8
            FROM outbox WHERE account_id = $1 AND status = 'pending'
            """, [.text(accountID)])
        return try result.double(row: 0, column: 0)
    }

    /// Marks a row sent with WhatsApp's id for it; its history row becomes `sent` (unless news of a later
    /// state already arrived).
    public func markSent(accountID: String, outboxID: Int64, messageID: String, remoteID: String, lease: AccountLease?) async throws {
        try await pool.transaction { connection in
            if let lease { try LeaseRepository.checkFence(connection, lease: lease) }
            _ = try connection.execute(
                """
                UPDATE outbox SET status = 'sent', remote_id = $3, sent_at = now(), attempts = attempts + 1,
                                  last_error = NULL, error_code = NULL
                WHERE account_id = $1 AND outbox_id = $2
                """, [.text(accountID), .int(outboxID), .text(remoteID)])
            _ = try connection.execute(
                """
                UPDATE messages SET remote_id = $3,
                       status = CASE WHEN \(MessageRepository.statusRankSQL) < 1 THEN 'sent' ELSE status END
                WHERE account_id = $1 AND from_me AND message_id = $2
                """, [.text(accountID), .text(messageID), .text(remoteID)])
        }
    }

    /// Puts a row back for another try after `delay` seconds, recording why this one failed. The rows
    /// queued after it for the same chat wait at least as long, so a chat's messages keep their order.
    public func reschedule(
        accountID: String, outboxID: Int64, delay: Double, error: String, code: Int?, lease: AccountLease?
    ) async throws {
        try await pool.transaction { connection in
            if let lease { try LeaseRepository.checkFence(connection, lease: lease) }
            _ = try connection.execute(
                """
                UPDATE outbox SET attempts = attempts + 1, last_error = $3, error_code = $4,
                                  next_attempt_at = now() + make_interval(secs => $5)
                WHERE account_id = $1 AND outbox_id = $2
                """, [.text(accountID), .int(outboxID), .text(error), code.map { .int(Int64($0)) } ?? .null, .double(max(0, delay))])
            _ = try connection.execute(
                """
                UPDATE outbox SET next_attempt_at = greatest(next_attempt_at, now() + make_interval(secs => $3))
                WHERE account_id = $1 AND status = 'pending' AND outbox_id > $2
                  AND chat_jid = (SELECT chat_jid FROM outbox WHERE account_id = $1 AND outbox_id = $2)
                """, [.text(accountID), .int(outboxID), .double(max(0, delay))])
        }
    }

    /// Gives up on a row: it and its history row become `failed` with the error and its code.
    public func markFailed(
        accountID: String, outboxID: Int64, messageID: String, error: String, code: Int?, lease: AccountLease?
    ) async throws {
        try await pool.transaction { connection in
            if let lease { try LeaseRepository.checkFence(connection, lease: lease) }
            _ = try connection.execute(
                """
                UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $3, error_code = $4
                WHERE account_id = $1 AND outbox_id = $2
                """, [.text(accountID), .int(outboxID), .text(error), code.map { .int(Int64($0)) } ?? .null])
            let failure = "{\"error\": \(Self.jsonString(error)), \"code\": \(code.map(String.init) ?? "null")}"
            _ = try connection.execute(
                """
                UPDATE messages SET status = 'failed', metadata = coalesce(metadata, '{}'::jsonb) || $3::jsonb
                WHERE account_id = $1 AND from_me AND message_id = $2
                """, [.text(accountID), .text(messageID), .text(failure)])
        }
    }

    /// Applies delivery news for the message WhatsApp knows as `remoteID` to its history row (forward
    /// only) and, for a failure reported after the send, to its outbox row.
    /// - Returns: whether a stored message took the news.
    @discardableResult
    public func applyStatus(
        accountID: String, remoteID: String, status: String, rank: Int, failure: (code: Int, text: String)?, lease: AccountLease?
    ) async throws -> Bool {
        try await pool.transaction { connection in
            if let lease { try LeaseRepository.checkFence(connection, lease: lease) }
            let changed = try MessageRepository.advanceStatus(
                connection, accountID: accountID, remoteID: remoteID, status: status, rank: rank)
            if let failure {
                _ = try connection.execute(
                    """
                    UPDATE outbox SET status = 'failed', last_error = $3, error_code = $4
                    WHERE account_id = $1 AND remote_id = $2
                    """, [.text(accountID), .text(remoteID), .text(failure.text), .int(Int64(failure.code))])
                let detail = "{\"error\": \(Self.jsonString(failure.text)), \"code\": \(failure.code)}"
                _ = try connection.execute(
                    """
                    UPDATE messages SET metadata = coalesce(metadata, '{}'::jsonb) || $3::jsonb
                    WHERE account_id = $1 AND from_me AND (remote_id = $2 OR (remote_id IS NULL AND message_id = $2))
                    """, [.text(accountID), .text(remoteID), .text(detail)])
            }
            return changed > 0
        }
    }

    /// Rows still waiting to be sent.
    public func pendingCount(accountID: String) async throws -> Int {
        let result = try await pool.query(
            "SELECT count(*) FROM outbox WHERE account_id = $1 AND status = 'pending'", [.text(accountID)])
        return Int(try result.int(row: 0, column: 0) ?? 0)
    }

    /// One outbox row by the id the gateway chose.
    public func row(accountID: String, messageID: String) async throws -> OutboxRecord? {
        let result = try await pool.query(
            """
            SELECT outbox_id, chat_jid, message_id, kind, status, attempts, last_error, error_code, remote_id, created_at,
                   next_attempt_at
            FROM outbox WHERE account_id = $1 AND message_id = $2
            """, [.text(accountID), .text(messageID)])
        guard !result.isEmpty else { return nil }
        return OutboxRecord(
            accountID: accountID, outboxID: try result.int(row: 0, column: "outbox_id") ?? 0,
            chatJID: try result.string(row: 0, column: "chat_jid") ?? "", messageID: messageID,
            kind: try result.string(row: 0, column: "kind") ?? "text", bodySealed: nil,
            status: try result.string(row: 0, column: "status") ?? "", attempts: Int(try result.int(row: 0, column: "attempts") ?? 0),
            lastError: try result.string(row: 0, column: "last_error"),
            errorCode: try result.int(row: 0, column: "error_code").map { Int($0) },
            remoteID: try result.string(row: 0, column: "remote_id"),
            createdAt: try result.date(row: 0, column: "created_at") ?? .distantPast,
            nextAttemptAt: try result.date(row: 0, column: "next_attempt_at") ?? .distantPast)
    }

    /// A JSON string literal for `text` (for small JSON documents built in SQL parameters).
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
