import Foundation

/// The `accounts` table: each account's definition and its last recorded state.
public struct AccountRepository: Sendable {
    /// One account row.
    public struct Row: Sendable, Equatable {
        public var accountID: String
        public var agentID: String
        public var name: String
        public var kind: String
        public var state: String
        public var stateReason: String?
        public var updatedAt: Date?
    }

    private let pool: PGPool

    /// Creates a repository over `pool`.
    public init(pool: PGPool) { self.pool = pool }

    /// Inserts or updates an account's definition, keeping its recorded state.
    public func upsert(accountID: String, agentID: String, name: String, kind: String, config: String) async throws {
        _ = try await pool.execute(
            """
            INSERT INTO accounts (account_id, agent_id, name, kind, config, updated_at) VALUES ($1, $2, $3, $4, $5::jsonb, now())
            ON CONFLICT (account_id) DO UPDATE SET agent_id = EXCLUDED.agent_id, name = EXCLUDED.name, kind = EXCLUDED.kind,
                config = EXCLUDED.config, updated_at = now()
            """, [.text(accountID), .text(agentID), .text(name), .text(kind), .text(config)])
    }

    /// Records an account's state and the reason for it.
    public func setState(accountID: String, state: String, reason: String?) async throws {
        _ = try await pool.execute(
            "UPDATE accounts SET state = $2, state_reason = $3, updated_at = now() WHERE account_id = $1",
            [.text(accountID), .text(state), .optional(reason)])
    }

    /// One account, if it exists.
    public func get(accountID: String) async throws -> Row? {
        try await rows("WHERE account_id = $1", [.text(accountID)]).first
    }

    /// Every account, sorted by id.
    public func list() async throws -> [Row] {
        try await rows("", [])
    }

    private func rows(_ whereClause: String, _ params: [PGValue]) async throws -> [Row] {
        let r = try await pool.query(
            "SELECT account_id, agent_id, name, kind, state, state_reason, updated_at FROM accounts \(whereClause) ORDER BY account_id",
            params)
        return try (0..<r.rowCount).map { i in
            Row(
                accountID: try r.string(row: i, column: 0) ?? "", agentID: try r.string(row: i, column: 1) ?? "",
                name: try r.string(row: i, column: 2) ?? "", kind: try r.string(row: i, column: 3) ?? "",
                state: try r.string(row: i, column: 4) ?? "", stateReason: try r.string(row: i, column: 5),
                updatedAt: try r.date(row: i, column: 6))
        }
    }
}
