/// Keeps a logged-in connection honest, as a pure state machine: it says when to ping and declares the
/// socket dead when pings go unanswered (protocol notes §8.3). One instance per connection.
///
/// Any inbound frame is proof of life, not only the ping's own `<iq type="result">`: it answers an
/// outstanding ping and clears the missed count. Pings are still sent on schedule while traffic flows
/// (as whatsmeow and Baileys do), because inbound traffic says nothing about whether the server still
/// hears this side. After a missed ping the next one follows after a normal interval.
///
/// The shell sleeps until ``nextDeadline`` and then calls ``tick(at:)``; an early wake-up (the deadline
/// moved because a frame arrived) just returns ``KeepaliveAction/none``.
///
/// ```swift
/// var keepalive = KeepaliveStateMachine<ContinuousClock>(startingAt: clock.now)
/// // on every inbound frame:  keepalive.frameReceived(at: clock.now)
/// // when the deadline passes:
/// switch keepalive.tick(at: clock.now) {
/// case .none: break
/// case .sendPing: try await send(pingNode)
/// case .declareDead(let reason): close(); action = reconnect.disconnected(reason, at: clock.now)
/// }
/// ```
public struct KeepaliveStateMachine<C: Clock>: Sendable where C.Duration == Duration {
    private enum State: Sendable {
        /// Waiting to send the next ping.
        case idle(nextPingAt: C.Instant)
        /// A ping was sent; some frame must arrive by `deadline`.
        case awaitingReply(deadline: C.Instant)
        /// Declared dead; the machine does nothing more.
        case dead
    }

    /// The ping parameters.
    public let configuration: KeepaliveConfiguration
    private var state: State
    /// Pings in a row that got no frame back in time.
    public private(set) var missedPings = 0
    // See ReconnectStateMachine: Sendable so the machine can live in an actor; used only when mutating.
    private var generator: any RandomNumberGenerator & Sendable

    /// Creates a machine for a connection that just logged in; the first ping is due one interval later.
    /// - Parameters:
    ///   - now: The login time, by the shell's clock.
    ///   - configuration: The ping parameters.
    ///   - generator: The randomness for the ping interval; inject a seeded one in tests.
    public init(
        startingAt now: C.Instant,
        configuration: KeepaliveConfiguration = KeepaliveConfiguration(),
        generator: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()
    ) {
        self.configuration = configuration
        self.generator = generator
        self.state = .dead
        self.state = .idle(nextPingAt: now.advanced(by: nextInterval()))
    }

    /// When the shell must call ``tick(at:)`` next; `nil` once the socket was declared dead.
    public var nextDeadline: C.Instant? {
        switch state {
        case .idle(let nextPingAt): nextPingAt
        case .awaitingReply(let deadline): deadline
        case .dead: nil
        }
    }

    /// Whether a ping is waiting for an answer.
    public var isAwaitingReply: Bool {
        if case .awaitingReply = state { return true }
        return false
    }

    /// Whether the socket has been declared dead.
    public var isDead: Bool {
        if case .dead = state { return true }
        return false
    }

    // MARK: - Inputs

    /// An inbound frame arrived (any frame, including the ping's answer): the connection is alive.
    /// - Parameter now: When, by the shell's clock.
    public mutating func frameReceived(at now: C.Instant) {
        switch state {
        case .dead:
            return
        case .idle:
            missedPings = 0
        case .awaitingReply:
            missedPings = 0
            state = .idle(nextPingAt: now.advanced(by: nextInterval()))
        }
    }

    /// Time passed; call it when ``nextDeadline`` is reached (calling it early is harmless).
    /// - Parameter now: The current time, by the shell's clock.
    /// - Returns: Whether to send a ping, declare the socket dead, or do nothing.
    public mutating func tick(at now: C.Instant) -> KeepaliveAction {
        switch state {
        case .dead:
            return .none
        case .idle(let nextPingAt):
            guard now >= nextPingAt else { return .none }
            state = .awaitingReply(deadline: now.advanced(by: configuration.responseTimeout))
            return .sendPing
        case .awaitingReply(let deadline):
            guard now >= deadline else { return .none }
            missedPings += 1
            if missedPings >= configuration.maxMissedPings {
                state = .dead
                return .declareDead(.keepaliveTimeout)
            }
            state = .idle(nextPingAt: now.advanced(by: nextInterval()))
            return .none
        }
    }

    private mutating func nextInterval() -> Duration {
        Duration.random(in: configuration.pingInterval, using: &generator)
    }
}
