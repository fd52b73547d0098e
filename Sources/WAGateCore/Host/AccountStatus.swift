import Foundation

/// A snapshot of one account, as the control API and the database show it.
public struct AccountStatus: Sendable, Equatable {
    /// The account's address.
    public var id: AccountID
    /// Display name (the account's `name`, or its id).
    public var name: String
    /// `web` (linked by QR) or `cloud` (Business Cloud API).
    public var kind: String
    /// Whether the configuration enables the account.
    public var enabled: Bool
    /// Current state.
    public var state: AccountState
    /// Why the account entered its current state.
    public var reason: String?
    /// When it entered it.
    public var since: Date
    /// Whether a stored session was found and opened.
    public var linked: Bool
    /// Commands waiting in the account's mailbox.
    public var mailboxDepth: Int

    /// Creates a snapshot.
    public init(
        id: AccountID, name: String, kind: String, enabled: Bool, state: AccountState, reason: String?,
        since: Date, linked: Bool, mailboxDepth: Int
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.enabled = enabled
        self.state = state
        self.reason = reason
        self.since = since
        self.linked = linked
        self.mailboxDepth = mailboxDepth
    }

    /// The snapshot as JSON for the control API and events.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(id.description), "agent": .string(id.agent), "account": .string(id.account),
            "name": .string(name), "kind": .string(kind), "enabled": .bool(enabled),
            "state": .string(state.rawValue), "since": .string(ISO8601DateFormatter().string(from: since)),
            "linked": .bool(linked), "mailbox_depth": .int(Int64(mailboxDepth)),
        ]
        o["reason"] = reason.map(JSONValue.string) ?? .null
        return .object(o)
    }
}
