import Foundation

/// Reads and writes `agents`.
///
/// ```swift
/// let agents = AgentRepository(pool: pool)
/// try await agents.upsert(agentID: "milady-whatsapp-test", name: "Milady", definition: #"{"bio": "…"}"#)
/// let all = try await agents.list()
/// ```
public struct AgentRepository: Sendable {
    private let pool: PGPool

    /// - Parameter pool: the gateway's connection pool.
    public init(pool: PGPool) { self.pool = pool }

    /// Inserts the agent, or replaces its name and definition.
    /// - Parameters:
    ///   - agentID: the agent's slug.
    ///   - name: its display name.
    ///   - definition: JSON text (stored as `jsonb`).
    /// - Throws: `StoreError`; `queryFailed` with SQLSTATE 22P02 when `definition` is not JSON.
    public func upsert(agentID: String, name: String, definition: String) async throws {
        try await pool.execute(
            """
            INSERT INTO agents (agent_id, name, definition, updated_at) VALUES ($1, $2, $3, now())
            ON CONFLICT (agent_id) DO UPDATE
                SET name = excluded.name, definition = excluded.definition, updated_at = excluded.updated_at
            """, [.text(agentID), .text(name), .text(definition)])
    }

    /// Every agent, by id.
    /// - Throws: `StoreError`.
    public func list() async throws -> [AgentRecord] {
        let result = try await pool.query(
            "SELECT agent_id, name, definition, updated_at FROM agents ORDER BY agent_id")
        return try (0..<result.rowCount).map { try Self.record(result, row: $0) }
    }

    /// The agent with this id, or `nil`.
    /// - Throws: `StoreError`.
    public func get(_ agentID: String) async throws -> AgentRecord? {
        let result = try await pool.query(
            "SELECT agent_id, name, definition, updated_at FROM agents WHERE agent_id = $1", [.text(agentID)])
        return result.isEmpty ? nil : try Self.record(result, row: 0)
    }

    private static func record(_ result: PGResult, row: Int) throws -> AgentRecord {
        AgentRecord(
            agentID: try result.string(row: row, column: "agent_id") ?? "",
            name: try result.string(row: row, column: "name") ?? "",
            definition: try result.string(row: row, column: "definition") ?? "null",
            updatedAt: try result.date(row: row, column: "updated_at") ?? Date(timeIntervalSince1970: 0))
    }
}
