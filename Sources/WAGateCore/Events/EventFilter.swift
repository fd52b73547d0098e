/// Which events a subscription wants. Every set that is not `nil` must match (they are ANDed).
///
/// ```swift
/// let filter = EventFilter(kinds: ["account.*", "pairing.request"], accounts: ["sales"])
/// ```
public struct EventFilter: Sendable, Hashable {
    /// Kinds to deliver, or `nil` for all. An entry ending in `*` matches by prefix (`"account.*"` matches
    /// `"account.state"`; `"*"` matches everything).
    public var kinds: Set<String>?
    /// Accounts to deliver, or `nil` for all. Events without an account do not match a non-nil set.
    public var accounts: Set<String>?
    /// Agents to deliver, or `nil` for all. Events without an agent do not match a non-nil set.
    public var agents: Set<String>?

    /// A filter that lets everything through.
    public static let all = EventFilter()

    /// Creates a filter; `nil` means "no restriction".
    public init(kinds: Set<String>? = nil, accounts: Set<String>? = nil, agents: Set<String>? = nil) {
        self.kinds = kinds
        self.accounts = accounts
        self.agents = agents
    }

    /// Whether `event` passes the filter.
    public func matches(_ event: GatewayEvent) -> Bool {
        if let kinds, !Self.kind(event.kind, matchesAnyOf: kinds) { return false }
        if let accounts {
            guard let account = event.account, accounts.contains(account) else { return false }
        }
        if let agents {
            guard let agent = event.agent, agents.contains(agent) else { return false }
        }
        return true
    }

    private static func kind(_ kind: String, matchesAnyOf patterns: Set<String>) -> Bool {
        if patterns.contains(kind) { return true }
        for pattern in patterns where pattern.hasSuffix("*") {
            if kind.hasPrefix(pattern.dropLast()) { return true }
        }
        return false
    }
}
