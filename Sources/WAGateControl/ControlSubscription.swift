import WAGateCore

/// A subscription opened with ``ControlClient/subscribe(since:kinds:accounts:agents:bufferLimit:)``.
public struct ControlSubscription: Sendable {
    /// The server's subscription id (`"s1"`), for `events.unsubscribe`.
    public let id: String
    /// The gateway's seq when the subscription started; live events have greater seqs.
    public let seq: UInt64
    /// The events, in seq order. The sequence ends when the subscription or the connection ends; it throws
    /// ``ControlClientError`` `gw.SubscriptionLagged` (see ``ControlClientError/resumeSince``) when the gateway
    /// dropped it for falling behind, or `client.ConnectionClosed` when the connection closed.
    public let events: AsyncThrowingStream<ControlEvent, any Error>
}
