/// Decides when an account's WhatsApp Web connection is opened again, as a pure state machine: the
/// shell feeds it what happened (with the time, from its clock) and performs the ``ReconnectAction`` it
/// returns. It never sleeps and never touches a socket; timers are the shell's, armed by
/// ``ReconnectAction/scheduleReconnect(after:attempt:)``.
///
/// Policy (``DisconnectReason/decision``): 515 reconnects at once; 401 discards the session and pairs
/// again; 440 stops; operator-level refusals (403, 405, …) fail; everything else backs off with full
/// jitter and a cap (``ReconnectConfiguration``), forever, and the attempt count resets once a connection
/// has stayed up for the stable period.
///
/// ```swift
/// var machine = ReconnectStateMachine<ContinuousClock>()
/// var action = machine.connectRequested(paired: session != nil)
/// // … and for every event: action = machine.disconnected(reason, at: clock.now)
/// switch action {
/// case .none: break
/// case .connect: openConnection()
/// case .scheduleReconnect(let delay, _): armTimer(after: delay)
/// case .discardSessionAndPair: deleteSession(); openConnection()
/// case .stop, .fail: closeConnection(); cancelTimer()
/// }
/// reporter.report(AccountState(rawValue: machine.phase.rawValue)!, reason: machine.reason)
/// ```
public struct ReconnectStateMachine<C: Clock>: Sendable where C.Duration == Duration {
    private enum State: Sendable {
        case stopped
        case failed
        /// Opening a connection; `pairing` when there is no session (a QR code will be shown).
        case connecting(pairing: Bool)
        case connected(since: C.Instant)
        /// Waiting for the timer of reconnect attempt `attempt`.
        case backoff(attempt: Int, pairing: Bool)
    }

    /// The backoff parameters.
    public let configuration: ReconnectConfiguration
    private var state: State = .stopped
    /// Failed attempts since the last stable connection; the next backoff is attempt `failures + 1`.
    private var failures = 0
    /// `515`s in a row without a login between them (see ``ReconnectConfiguration/immediateRestartLimit``).
    private var immediateRestarts = 0
    // `Sendable` so the machine can live inside an actor or a Mutex; the generator is only used in
    // mutating methods, so each copy of the machine owns its own generator state.
    private var generator: any RandomNumberGenerator & Sendable

    /// Why the machine is in its current phase, for the account's state reason; `nil` before the first
    /// start and while connecting or connected normally.
    public private(set) var reason: String?

    /// Creates a stopped machine.
    /// - Parameters:
    ///   - configuration: The backoff parameters.
    ///   - generator: The randomness for the jitter; inject a seeded one in tests.
    public init(
        configuration: ReconnectConfiguration = ReconnectConfiguration(),
        generator: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()
    ) {
        self.configuration = configuration
        self.generator = generator
    }

    /// The account state this machine is in (raw values are `AccountState`'s).
    public var phase: ConnectionPhase {
        switch state {
        case .stopped: .stopped
        case .failed: .failed
        case .connecting(let pairing): pairing ? .awaitingQR : .connecting
        case .connected: .connected
        case .backoff: .backoff
        }
    }

    /// Failed attempts counted since the last stable connection (the last scheduled attempt's number).
    public var attempts: Int { failures }

    // MARK: - Inputs

    /// The account was started (or started again by the operator).
    ///
    /// From `stopped` or `failed` this connects with a fresh attempt count. During `backoff` it connects
    /// now instead of waiting (the operator asked), keeping the count. Otherwise it does nothing.
    /// - Parameter paired: Whether a stored session exists; without one the phase is `awaiting_qr`.
    public mutating func connectRequested(paired: Bool) -> ReconnectAction {
        switch state {
        case .stopped, .failed:
            failures = 0
            immediateRestarts = 0
            state = .connecting(pairing: !paired)
            reason = nil
            return .connect
        case .backoff(_, let pairing):
            state = .connecting(pairing: pairing)
            reason = nil
            return .connect
        case .connecting, .connected:
            return .none
        }
    }

    /// The phone scanned the QR code and `<pair-success>` was verified: the next connection logs in
    /// with the new session (the server follows with a 515), so the phase leaves `awaiting_qr`.
    public mutating func paired() -> ReconnectAction {
        if case .connecting(pairing: true) = state {
            state = .connecting(pairing: false)
            failures = 0
            reason = nil
        }
        return .none
    }

    /// The login succeeded (`<success>`).
    /// - Parameter now: When, by the shell's clock; the stable period is measured from here.
    public mutating func connected(at now: C.Instant) -> ReconnectAction {
        guard case .connecting = state else { return .none }
        state = .connected(since: now)
        immediateRestarts = 0
        reason = nil
        return .none
    }

    /// The connection ended (or a login was refused, or an attempt failed before it was up).
    /// - Parameters:
    ///   - disconnectReason: Why.
    ///   - now: When, by the shell's clock.
    /// - Returns: What to do; ``ReconnectAction/none`` when no connection was current (already stopped,
    ///   or a late report during backoff).
    public mutating func disconnected(_ disconnectReason: DisconnectReason, at now: C.Instant) -> ReconnectAction {
        let pairing: Bool
        switch state {
        case .stopped, .failed, .backoff:
            return .none
        case .connecting(let isPairing):
            pairing = isPairing
        case .connected(let since):
            pairing = false
            // Only a connection that stayed up proves the path works again; a short one keeps the count
            // so that a flapping connection still backs off.
            if since.duration(to: now) >= configuration.stablePeriod {
                failures = 0
            }
        }

        switch disconnectReason.decision {
        case .reconnectNow:
            if disconnectReason == .restartRequired {
                immediateRestarts += 1
                if immediateRestarts > configuration.immediateRestartLimit {
                    return backOff(disconnectReason, pairing: pairing)
                }
            }
            state = .connecting(pairing: pairing)
            reason = "\(disconnectReason); reconnecting at once"
            return .connect
        case .backoff:
            return backOff(disconnectReason, pairing: pairing)
        case .discardSessionAndPair(let text):
            guard !pairing else {
                // No session left to discard: pairing again at once would loop against the server.
                return fail("\(disconnectReason) while pairing; run `wagate accounts start` to try again")
            }
            failures = 0
            immediateRestarts = 0
            state = .connecting(pairing: true)
            reason = text
            return .discardSessionAndPair(reason: text)
        case .stop(let text):
            state = .stopped
            reason = text
            return .stop(reason: text)
        case .fail(let text):
            return fail(text)
        }
    }

    /// The timer armed by ``ReconnectAction/scheduleReconnect(after:attempt:)`` fired.
    /// - Returns: ``ReconnectAction/connect`` in `backoff`; ``ReconnectAction/none`` otherwise (a timer
    ///   that outlived a stop or an early reconnect).
    public mutating func timerFired() -> ReconnectAction {
        guard case .backoff(_, let pairing) = state else { return .none }
        state = .connecting(pairing: pairing)
        return .connect
    }

    /// The account is being stopped (by the operator, at shutdown, or because pairing gave up).
    /// - Parameter stopReason: The reason to show, e.g. ``QRRotationAction/giveUp(reason:)``'s.
    /// - Returns: ``ReconnectAction/stop(reason:)``, which also cancels a pending reconnect; nothing when
    ///   already stopped.
    public mutating func stopRequested(reason stopReason: String = "stopped by request") -> ReconnectAction {
        if case .stopped = state { return .none }
        state = .stopped
        reason = stopReason
        return .stop(reason: stopReason)
    }

    // MARK: - Helpers

    private mutating func backOff(_ disconnectReason: DisconnectReason, pairing: Bool) -> ReconnectAction {
        // Saturating: the count goes on forever and must not trap after Int.max failures.
        failures = failures == .max ? .max : failures + 1
        let delay = configuration.delay(forAttempt: failures, using: &generator)
        state = .backoff(attempt: failures, pairing: pairing)
        reason = "\(disconnectReason); reconnect attempt \(failures) in \(delay.secondsText)"
        return .scheduleReconnect(after: delay, attempt: failures)
    }

    private mutating func fail(_ text: String) -> ReconnectAction {
        state = .failed
        reason = text
        return .fail(reason: text)
    }
}
