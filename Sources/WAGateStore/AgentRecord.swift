import Foundation

/// A row of `agents`: one agent (character file) known to the gateway.
public struct AgentRecord: Sendable, Hashable {
    /// The agent's slug, the first half of its accounts' ids.
    public var agentID: String
    /// Its display name.
    public var name: String
    /// The agent's definition as JSON text (stored as `jsonb`, so key order and spacing come back normalised).
    public var definition: String
    /// When the row last changed.
    public var updatedAt: Date

    /// - Parameters:
    ///   - agentID: the agent's slug.
    ///   - name: its display name.
    ///   - definition: JSON text.
    ///   - updatedAt: when the row last changed.
    public init(agentID: String, name: String, definition: String, updatedAt: Date) {
        self.agentID = agentID
        self.name = name
        self.definition = definition
        self.updatedAt = updatedAt
    }
}
