import Foundation

/// The `audit_log` table: who changed what through the control API.
public struct AuditLogRepository: Sendable {
    /// One audit row.
    public struct Entry: Sendable, Equatable {
        public var at: Date?
        public var actor: String
        public var method: String
        public var accountID: String?
        public var outcome: String
        public var details: String?
    }

    private let pool: PGPool

    /// Creates a repository over `pool`.
    public init(pool: PGPool) { self.pool = pool }

    /// Appends one entry. `details` is JSON text (never secrets).
    public func append(actor: String, method: String, accountID: String?, outcome: String, details: String?) async throws {
        _ = try await pool.execute(
            "INSERT INTO audit_log (actor, method, account_id, outcome, details) VALUES ($1, $2, $3, $4, $5::jsonb)",
            [.text(actor), .text(method), .optional(accountID), .text(outcome), .optional(details)])
    }

    /// The most recent entries, newest first.
    public func recent(limit: Int = 50) async throws -> [Entry] {
        let r = try await pool.query(
            "SELECT at, actor, method, account_id, outcome, details::text FROM audit_log ORDER BY id DESC LIMIT $1",
            [.int(Int64(limit))])
        return try (0..<r.rowCount).map { i in
            Entry(
                at: try r.date(row: i, column: 0), actor: try r.string(row: i, column: 1) ?? "",
                method: try r.string(row: i, column: 2) ?? "", accountID: try r.string(row: i, column: 3),
                outcome: try r.string(row: i, column: 4) ?? "", details: try r.string(row: i, column: 5))
        }
    }
}
