/// The `agents` table: one row per hosted character.
public struct AgentRepository: Sendable {
    private let pool: PGPool

    /// Creates a repository over `pool`.
    public init(pool: PGPool) { self.pool = pool }

    /// Inserts or updates an agent's definition (redacted JSON, no secrets).
    public func upsert(agentID: String, name: String, definition: String) async throws {
        _ = try await pool.execute(
            """
            INSERT INTO agents (agent_id, name, definition, updated_at) VALUES ($1, $2, $3::jsonb, now())
            ON CONFLICT (agent_id) DO UPDATE SET name = EXCLUDED.name, definition = EXCLUDED.definition, updated_at = now()
            """, [.text(agentID), .text(name), .text(definition)])
    }

    /// Every agent's id and name, sorted by id.
    public func list() async throws -> [(agentID: String, name: String)] {
        let r = try await pool.query("SELECT agent_id, name FROM agents ORDER BY agent_id")
        return try (0..<r.rowCount).map { (try r.string(row: $0, column: 0) ?? "", try r.string(row: $0, column: 1) ?? "") }
    }
}
