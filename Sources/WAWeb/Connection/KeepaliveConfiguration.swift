/// Parameters of the keepalive pings (protocol notes §8.3).
///
/// Defaults follow whatsmeow: a ping every 20–30 s (drawn afresh each time, so thousands of accounts
/// do not ping in step) and 10 s for any frame to arrive after it. Three missed pings in a row declare the
/// socket dead: with the defaults that is roughly 80 s of silence (3 × 10 s waits plus 2 intervals),
/// between Baileys' 35 s, which drops connections on a brief stall, and whatsmeow's 3 minutes, during
/// which messages go unanswered on a socket that is already gone.
public struct KeepaliveConfiguration: Sendable, Hashable {
    /// The range the time from one ping's outcome to the next ping is drawn from.
    public var pingInterval: ClosedRange<Duration>
    /// How long after a ping some inbound frame must arrive for the ping to count as answered.
    public var responseTimeout: Duration
    /// Missed pings in a row after which the socket is declared dead (at least 1).
    public var maxMissedPings: Int

    /// Creates a configuration.
    /// - Parameters:
    ///   - pingInterval: The interval range (default 20–30 s).
    ///   - responseTimeout: The deadline for an answer (default 10 s).
    ///   - maxMissedPings: Missed pings that declare the socket dead (default 3).
    public init(
        pingInterval: ClosedRange<Duration> = .seconds(20) ... .seconds(30),
        responseTimeout: Duration = .seconds(10),
        maxMissedPings: Int = 3
    ) {
        self.pingInterval = pingInterval
        self.responseTimeout = responseTimeout
        self.maxMissedPings = max(1, maxMissedPings)
    }
}
