/// Parameters of the reconnect backoff.
///
/// The delay before attempt *n* (n ≥ 1) is drawn uniformly from `[0, bound(n)]` ("full jitter"), where
/// `bound(n) = min(maximumDelay, initialDelay · 2^(n−1))`. Full jitter spreads the reconnects of
/// thousands of accounts that lost the same network at the same moment, instead of having them hit the
/// server in synchronised waves. There is no maximum number of attempts: OpenClaw's cap of 12 left users
/// disconnected for good after a long outage (PR #2603).
///
/// Defaults: 1 s initial bound, so a blip reconnects within a second; a 60 s cap, as Milady's 3 s → 60 s
/// and within a minute of the network coming back; 60 s of stable connection resets the count, as
/// OpenClaw's `heartbeatSeconds`, so a connection that flaps every few seconds keeps backing off
/// instead of resetting on every short success.
public struct ReconnectConfiguration: Sendable, Hashable {
    /// The delay bound of the first attempt; it doubles with each attempt.
    public var initialDelay: Duration
    /// The largest delay bound; delays never exceed it.
    public var maximumDelay: Duration
    /// How long a connection must stay up before the attempt count goes back to zero.
    public var stablePeriod: Duration
    /// How many `515 restart required` in a row, without a successful login between them, reconnect at
    /// once; further ones back off like a transient failure. Guards against a server that answers every
    /// login with 515 being hammered in a tight loop; the normal case (one 515 after pairing) is immediate.
    public var immediateRestartLimit: Int

    /// Creates a configuration.
    /// - Parameters:
    ///   - initialDelay: The delay bound of the first attempt (default 1 s).
    ///   - maximumDelay: The cap of the delay bound (default 60 s).
    ///   - stablePeriod: The uptime after which the attempt count resets (default 60 s).
    ///   - immediateRestartLimit: Consecutive 515s that reconnect at once (default 3).
    public init(
        initialDelay: Duration = .seconds(1),
        maximumDelay: Duration = .seconds(60),
        stablePeriod: Duration = .seconds(60),
        immediateRestartLimit: Int = 3
    ) {
        self.initialDelay = initialDelay
        self.maximumDelay = max(maximumDelay, initialDelay)
        self.stablePeriod = stablePeriod
        self.immediateRestartLimit = max(0, immediateRestartLimit)
    }

    /// The upper bound of the delay before an attempt: `min(maximumDelay, initialDelay · 2^(attempt−1))`.
    /// - Parameter attempt: The attempt number, from 1.
    /// - Returns: The bound; never more than ``maximumDelay``, never overflowing however large `attempt` is.
    public func delayBound(forAttempt attempt: Int) -> Duration {
        var bound = initialDelay
        var doublings = max(0, attempt - 1)
        // Doubling stops at the cap, so this runs at most ~log2(cap/initial) times and never overflows.
        while doublings > 0, bound < maximumDelay {
            bound = bound * 2
            doublings -= 1
        }
        return min(bound, maximumDelay)
    }

    /// A random delay in `[0, delayBound(forAttempt:)]`.
    /// - Parameters:
    ///   - attempt: The attempt number, from 1.
    ///   - generator: The source of randomness.
    public func delay(forAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        delayBound(forAttempt: attempt).randomFraction(using: &generator)
    }
}
