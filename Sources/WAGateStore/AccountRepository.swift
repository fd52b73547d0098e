import Foundation

/// Reads and writes `accounts`.
///
/// Definitions (agent, name, kind, config) come from configuration and are upserted at start; the state is
/// written by the account as it runs, and an upsert leaves it alone.
///
/// ```swift
/// let accounts = AccountRepository(pool: pool)
/// try await accounts.upsert(
///     accountID: "milady-whatsapp-test/default", agentID: "milady-whatsapp-test", name: "default",
///     kind: .web, config: "{}")
/// try await accounts.setState("milady-whatsapp-test/default", state: "connecting", reason: nil)
/// ```
public struct AccountRepository: Sendable {
    private let pool: PGPool
    private static let columns = "account_id, agent_id, name, kind, config, state, state_reason, updated_at"

    /// - Parameter pool: the gateway's connection pool.
    public init(pool: PGPool) { self.pool = pool }

    /// Inserts the account (state `stopped`), or updates its definition while keeping its state.
    /// - Parameters:
    ///   - accountID: `<agent slug>/<account name>`.
    ///   - agentID: an existing agent.
    ///   - name: the account's name within its agent.
    ///   - kind: web or cloud.
    ///   - config: JSON text (stored as `jsonb`).
    /// - Throws: `StoreError`; `queryFailed` with SQLSTATE 23503 when the agent does not exist.
    public func upsert(accountID: String, agentID: String, name: String, kind: AccountKind, config: String) async throws
    {
        try await pool.execute(
            """
            INSERT INTO accounts (account_id, agent_id, name, kind, config, updated_at)
            VALUES ($1, $2, $3, $4, $5, now())
            ON CONFLICT (account_id) DO UPDATE
                SET agent_id = excluded.agent_id, name = excluded.name, kind = excluded.kind,
                    config = excluded.config, updated_at = excluded.updated_at
            """, [.text(accountID), .text(agentID), .text(name), .text(kind.rawValue), .text(config)])
    }

    /// Every account, or those of one agent, by id.
    /// - Parameter agentID: only this agent's accounts, when given.
    /// - Throws: `StoreError`.
    public func list(agentID: String? = nil) async throws -> [AccountRecord] {
        let result =
            if let agentID {
                try await pool.query(
                    "SELECT \(Self.columns) FROM accounts WHERE agent_id = $1 ORDER BY account_id", [.text(agentID)])
            } else {
                try await pool.query("SELECT \(Self.columns) FROM accounts ORDER BY account_id")
            }
        return try (0..<result.rowCount).map { try Self.record(result, row: $0) }
    }

    /// The account with this id, or `nil`.
    /// - Throws: `StoreError`.
    public func get(_ accountID: String) async throws -> AccountRecord? {
        let result = try await pool.query(
            "SELECT \(Self.columns) FROM accounts WHERE account_id = $1", [.text(accountID)])
        return result.isEmpty ? nil : try Self.record(result, row: 0)
    }

    /// Records the account's state and the reason for it.
    /// - Returns: `false` when no such account exists.
    /// - Throws: `StoreError`.
    @discardableResult
    public func setState(_ accountID: String, state: String, reason: String?) async throws -> Bool {
        let updated = try await pool.execute(
            "UPDATE accounts SET state = $2, state_reason = $3, updated_at = now() WHERE account_id = $1",
            [.text(accountID), .text(state), .optional(reason)])
        return updated == 1
    }

    private static func record(_ result: PGResult, row: Int) throws -> AccountRecord {
        AccountRecord(
            accountID: try result.string(row: row, column: "account_id") ?? "",
            agentID: try result.string(row: row, column: "agent_id") ?? "",
            name: try result.string(row: row, column: "name") ?? "",
            kind: AccountKind(rawValue: try result.string(row: row, column: "kind") ?? ""),
            config: try result.string(row: row, column: "config") ?? "null",
            state: try result.string(row: row, column: "state") ?? "",
            stateReason: try result.string(row: row, column: "state_reason"),
            updatedAt: try result.date(row: row, column: "updated_at") ?? Date(timeIntervalSince1970: 0))
    }
}
