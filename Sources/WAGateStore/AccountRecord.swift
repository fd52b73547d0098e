import Foundation

/// A row of `accounts`: an account's definition plus its last recorded state.
public struct AccountRecord: Sendable, Hashable {
    /// `<agent slug>/<account name>`, for example `milady-whatsapp-test/default`.
    public var accountID: String
    /// The agent the account belongs to.
    public var agentID: String
    /// The account's name within its agent.
    public var name: String
    /// Web or Cloud API.
    public var kind: AccountKind
    /// The account's configuration as JSON text (stored as `jsonb`; no secrets).
    public var config: String
    /// The last state the gateway recorded (`stopped` until it first runs).
    public var state: String
    /// Why the account is in that state, when known.
    public var stateReason: String?
    /// When the row last changed.
    public var updatedAt: Date

    /// Creates a record; the repository fills these from the table.
    public init(
        accountID: String, agentID: String, name: String, kind: AccountKind, config: String, state: String,
        stateReason: String?, updatedAt: Date
    ) {
        self.accountID = accountID
        self.agentID = agentID
        self.name = name
        self.kind = kind
        self.config = config
        self.state = state
        self.stateReason = stateReason
        self.updatedAt = updatedAt
    }
}
