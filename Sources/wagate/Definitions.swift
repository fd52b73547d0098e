import WAGateCore
import WAGateStore

/// Records the configured agents and accounts in PostgreSQL, so every process and the operator's tools
/// see the same definitions. Secrets are left out (`redacted()`); an account keeps its last state.
enum Definitions {
    static func store(_ configuration: GatewayConfiguration, agents: AgentRepository, accounts: AccountRepository) async throws {
        for agent in configuration.agents {
            try await agents.upsert(agentID: agent.slug, name: agent.name, definition: agent.redacted().jsonString())
            for account in agent.whatsapp?.accounts ?? [] {
                try await accounts.upsert(
                    accountID: AccountID(agent: agent.slug, account: account.id).description, agentID: agent.slug,
                    name: account.name ?? account.id, kind: AccountKind(rawValue: account.kind.rawValue), config: account.redacted().jsonString())
            }
        }
    }
}
