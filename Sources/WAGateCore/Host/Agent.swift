import Foundation

/// One hosted agent: its character and the accounts it answers on.
///
/// Replies (model providers, conversation memory) are built on this actor by later layers; today it
/// owns the definition so the control API can show it.
public actor Agent {
    /// The agent's slug (`milady-whatsapp-test`).
    public nonisolated let slug: String
    /// The character as configured.
    public nonisolated let definition: AgentDefinition
    /// Its accounts' addresses, sorted.
    public nonisolated let accountIDs: [AccountID]

    /// Creates an agent.
    public init(definition: AgentDefinition) {
        self.slug = definition.slug
        self.definition = definition
        self.accountIDs = (definition.whatsapp?.accounts ?? []).map { AccountID(agent: definition.slug, account: $0.id) }.sorted()
    }

    /// Whether `name` addresses this agent: its slug, or its character name (case-insensitive).
    public nonisolated func matches(_ name: String) -> Bool {
        name == slug || name.caseInsensitiveCompare(definition.name) == .orderedSame
    }
}
