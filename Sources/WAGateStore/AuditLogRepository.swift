import Foundation

/// Appends to and reads `audit_log`.
///
/// ```swift
/// let audit = AuditLogRepository(pool: pool)
/// try await audit.append(actor: "uid:1000", method: "accounts.start", accountID: id, outcome: "ok")
/// let last = try await audit.recent(limit: 20)
/// ```
public struct AuditLogRepository: Sendable {
    private let pool: PGPool

    /// - Parameter pool: the gateway's connection pool.
    public init(pool: PGPool) { self.pool = pool }

    /// Appends an entry stamped with the server's clock.
    /// - Parameters:
    ///   - actor: who did it, when known.
    ///   - method: what was done.
    ///   - accountID: the account concerned, if any.
    ///   - outcome: how it ended.
    ///   - details: JSON text, never secrets.
    /// - Returns: the entry's id.
    /// - Throws: `StoreError`.
    @discardableResult
    public func append(
        actor: String?, method: String, accountID: String? = nil, outcome: String, details: String? = nil
    ) async throws -> Int64 {
        let result = try await pool.query(
            """
            INSERT INTO audit_log (actor, method, account_id, outcome, details) VALUES ($1, $2, $3, $4, $5)
            RETURNING id
            """, [.optional(actor), .text(method), .optional(accountID), .text(outcome), .optional(details)])
        guard let id = try result.int(row: 0, column: 0) else {
            throw StoreError(.decodeFailed, "INSERT INTO audit_log returned no id")
        }
        return id
    }

    /// The newest entries first.
    /// - Parameters:
    ///   - limit: at most this many (1…10 000).
    ///   - accountID: only this account's entries, when given.
    /// - Throws: `StoreError`.
    public func recent(limit: Int = 100, accountID: String? = nil) async throws -> [AuditLogEntry] {
        let limit = Int64(min(max(limit, 1), 10_000))
        let columns = "id, at, actor, method, account_id, outcome, details"
        let result =
            if let accountID {
                try await pool.query(
                    "SELECT \(columns) FROM audit_log WHERE account_id = $1 ORDER BY id DESC LIMIT $2",
                    [.text(accountID), .int(limit)])
            } else {
                try await pool.query("SELECT \(columns) FROM audit_log ORDER BY id DESC LIMIT $1", [.int(limit)])
            }
        return try (0..<result.rowCount).map { row in
            AuditLogEntry(
                id: try result.int(row: row, column: "id") ?? 0,
                at: try result.date(row: row, column: "at") ?? Date(timeIntervalSince1970: 0),
                actor: try result.string(row: row, column: "actor"),
                method: try result.string(row: row, column: "method") ?? "",
                accountID: try result.string(row: row, column: "account_id"),
                outcome: try result.string(row: row, column: "outcome") ?? "",
                details: try result.string(row: row, column: "details"))
        }
    }
}
