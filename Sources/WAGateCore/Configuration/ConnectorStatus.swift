/// Whether an agent's WhatsApp connector starts, and if not, why.
public enum ConnectorStatus: Sendable, Hashable {
    /// The connector starts these enabled accounts (sorted by id).
    case active([AccountDefinition])
    /// The connector does not start; `reason` says what to change (shown by `wagate check`).
    case inactive(reason: String)

    /// Whether the connector starts.
    public var isActive: Bool {
        if case .active = self { return true } else { return false }
    }
}
