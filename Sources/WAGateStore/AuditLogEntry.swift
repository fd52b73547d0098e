import Foundation

/// A row of `audit_log`: one control-API call or security-relevant event.
public struct AuditLogEntry: Sendable, Hashable {
    /// The row's sequence number.
    public var id: Int64
    /// When it happened.
    public var at: Date
    /// Who did it (a control-socket peer, `system`, …), when known.
    public var actor: String?
    /// What was done (the control-API method, or an event name).
    public var method: String
    /// The account concerned, if any.
    public var accountID: String?
    /// How it ended (`ok`, `denied`, an error code, …).
    public var outcome: String
    /// More detail as JSON text, never secrets.
    public var details: String?

    /// Creates an entry; the repository fills these from the table.
    public init(
        id: Int64, at: Date, actor: String?, method: String, accountID: String?, outcome: String, details: String?
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.method = method
        self.accountID = accountID
        self.outcome = outcome
        self.details = details
    }
}
