/// A snapshot of the ``ControlServer``'s connections, for monitoring and tests.
public struct ControlServerStatistics: Sendable, Hashable {
    /// Authorised connections currently open.
    public var openConnections: Int
    /// Active event subscriptions over all connections.
    public var subscriptions: Int
    /// Calls running or with an unwritten answer, over all connections.
    public var callsInFlight: Int
    /// The most event notifications queued for one connection (bounded by `outputQueueMaxMessages`).
    public var maxQueuedNotifications: Int
    /// The most notification bytes queued for one connection (bounded by `outputQueueMaxBytes` plus one message).
    public var maxQueuedNotificationBytes: Int
}
