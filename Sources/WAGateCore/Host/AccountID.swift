/// An account's address: the agent's slug and the account's id within the agent, written
/// `AGENT/ACCOUNT` (e.g. `milady-whatsapp-test/default`). It is also the `account_id` in PostgreSQL.
public struct AccountID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The owning agent's slug.
    public var agent: String
    /// The account's id within the agent (`default`, `sales`, ...).
    public var account: String

    /// Creates an address.
    public init(agent: String, account: String) {
        self.agent = agent
        self.account = account
    }

    /// Parses `AGENT/ACCOUNT`; `nil` when there is not exactly one `/` with text on both sides.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(agent: String(parts[0]), account: String(parts[1]))
    }

    public var description: String { "\(agent)/\(account)" }

    public static func < (lhs: AccountID, rhs: AccountID) -> Bool { lhs.description < rhs.description }
}
