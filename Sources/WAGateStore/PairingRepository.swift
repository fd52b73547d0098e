import Foundation

/// A sender waiting for the operator to approve them (`dmPolicy: "pairing"`).
public struct PairingRequest: Sendable, Hashable {
    /// The account asked.
    public var accountID: String
    /// The sender, E.164.
    public var sender: String
    /// The code the sender was given.
    public var code: String
    /// When the request was made (its hour starts then).
    public var createdAt: Date
    /// When the sender last wrote.
    public var lastSeenAt: Date
    /// Non-secret details (push name) as JSON text.
    public var meta: String?
}

/// Pairing requests and approved senders in PostgreSQL, so an approval made through any gateway process
/// takes effect at once in every process.
public struct PairingRepository: Sendable {
    /// What ``upsert(accountID:sender:meta:ttl:maxPending:makeCode:)`` did.
    public enum Upsert: Sendable, Hashable {
        /// A new request with this code: the sender gets the one reply.
        case created(code: String)
        /// The sender already has a pending request: no second reply.
        case existing(code: String)
        /// The account already has the maximum of pending requests: the sender is dropped.
        case full
    }

    private let pool: PGPool

    /// - Parameter pool: the gateway's connection pool.
    public init(pool: PGPool) { self.pool = pool }

    /// Records that `sender` asked, creating a request with a fresh code unless one is pending or the
    /// account has `maxPending` already. Expired requests are removed first.
    public func upsert(
        accountID: String, sender: String, meta: String?, ttl: Duration, maxPending: Int, makeCode: @escaping @Sendable () -> String
    ) async throws -> Upsert {
        try await pool.transaction { connection in
            // One account's requests change one at a time, whichever process handles the message.
            _ = try connection.query("SELECT pg_advisory_xact_lock(hashtext($1))", [.text("wagate.pairing:" + accountID)])
            _ = try connection.execute(
                "DELETE FROM pairing_requests WHERE account_id = $1 AND created_at <= now() - make_interval(secs => $2)",
                [.text(accountID), .double(ttl.secondsValue)])
            let existing = try connection.query(
                "UPDATE pairing_requests SET last_seen_at = now() WHERE account_id = $1 AND sender = $2 RETURNING code",
                [.text(accountID), .text(sender)])
            if let code = try existing.isEmpty ? nil : existing.string(row: 0, column: 0) { return .existing(code: code) }
            let pending = try connection.query("SELECT code FROM pairing_requests WHERE account_id = $1", [.text(accountID)])
            guard pending.rowCount < maxPending else { return .full }
            let taken = Set(try (0..<pending.rowCount).compactMap { try pending.string(row: $0, column: 0) })
            var code = makeCode()
            var tries = 1
            while taken.contains(code) {
                guard tries < 500 else { throw StoreError(.queryFailed, "failed to generate a unique pairing code") }
                code = makeCode()
                tries += 1
            }
            _ = try connection.execute(
                "INSERT INTO pairing_requests (account_id, sender, code, meta) VALUES ($1, $2, $3, $4::jsonb)",
                [.text(accountID), .text(sender), .text(code), .optional(meta)])
            return .created(code: code)
        }
    }

    /// The account's pending requests (not expired), oldest first.
    public func pending(accountID: String, ttl: Duration) async throws -> [PairingRequest] {
        let result = try await pool.query(
            """
            SELECT sender, code, created_at, last_seen_at, meta::text AS meta FROM pairing_requests
            WHERE account_id = $1 AND created_at > now() - make_interval(secs => $2)
            ORDER BY created_at, sender
            """, [.text(accountID), .double(ttl.secondsValue)])
        return try (0..<result.rowCount).map { row in
            PairingRequest(
                accountID: accountID, sender: try result.string(row: row, column: "sender") ?? "",
                code: try result.string(row: row, column: "code") ?? "",
                createdAt: try result.date(row: row, column: "created_at") ?? .distantPast,
                lastSeenAt: try result.date(row: row, column: "last_seen_at") ?? .distantPast,
                meta: try result.string(row: row, column: "meta"))
        }
    }

    /// Approves the pending request with `code` (any case): its sender joins the allow list.
    /// - Returns: the approved sender, or `nil` when no pending request has that code.
    public func approve(accountID: String, code: String, ttl: Duration, approvedBy: String) async throws -> String? {
        let code = code.trimmingCharacters(in: .whitespaces).uppercased()
        return try await pool.transaction { connection in
            let removed = try connection.query(
                """
                DELETE FROM pairing_requests
                WHERE account_id = $1 AND code = $2 AND created_at > now() - make_interval(secs => $3)
                RETURNING sender
                """, [.text(accountID), .text(code), .double(ttl.secondsValue)])
            guard let sender = try removed.isEmpty ? nil : removed.string(row: 0, column: 0) else { return nil }
            _ = try connection.execute(
                """
                INSERT INTO allow_list (account_id, sender, approved_by) VALUES ($1, $2, $3)
                ON CONFLICT (account_id, sender) DO UPDATE SET approved_at = now(), approved_by = excluded.approved_by
                """, [.text(accountID), .text(sender), .text(approvedBy)])
            return sender
        }
    }

    /// Rejects the pending request with `code`; the sender may ask again later.
    /// - Returns: the sender, or `nil` when no pending request has that code.
    public func reject(accountID: String, code: String) async throws -> String? {
        let result = try await pool.query(
            "DELETE FROM pairing_requests WHERE account_id = $1 AND code = $2 RETURNING sender",
            [.text(accountID), .text(code.trimmingCharacters(in: .whitespaces).uppercased())])
        return try result.isEmpty ? nil : result.string(row: 0, column: 0)
    }

    /// The senders approved for the account (E.164).
    public func approvedSenders(accountID: String) async throws -> Set<String> {
        let result = try await pool.query("SELECT sender FROM allow_list WHERE account_id = $1", [.text(accountID)])
        return Set(try (0..<result.rowCount).compactMap { try result.string(row: $0, column: 0) })
    }
}

extension Duration {
    /// Seconds as a floating-point number, for `make_interval(secs => …)`.
    var secondsValue: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
