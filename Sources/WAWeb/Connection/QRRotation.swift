/// Which QR ref to show while pairing and when to move on (protocol notes §4.2), as a pure value.
///
/// Keep one instance for the whole pairing session, across the reconnects that fetch new refs, so that
/// rounds are counted and pairing ends after ``QRRotationConfiguration/maxRounds``.
///
/// ```swift
/// var rotation = QRRotation<ContinuousClock>(account: "sales/main")
/// handle(rotation.refsReceived(refs, at: clock.now))     // on <pair-device>
/// // when rotation.nextRotation is reached:
/// switch rotation.tick(at: clock.now) {
/// case .none: break
/// case .show(let ref, _, _, _): render(qrText(ref))
/// case .requestNewRefs: action = reconnect.disconnected(.qrRefsExhausted, at: clock.now)
/// case .giveUp(let reason): action = reconnect.stopRequested(reason: reason)
/// }
/// ```
public struct QRRotation<C: Clock>: Sendable where C.Duration == Duration {
    /// The timing and round limit.
    public let configuration: QRRotationConfiguration
    /// The account's `AGENT/ACCOUNT` name, for the give-up reason.
    public let account: String
    private var refs: [String] = []
    /// The index of the ref being shown, from 0.
    private var index = 0
    private var expiresAt: C.Instant?
    /// Rounds of refs received so far.
    public private(set) var round = 0
    /// Whether pairing gave up; the rotation then ignores everything.
    public private(set) var gaveUp = false

    /// Creates a rotation that has shown nothing yet.
    /// - Parameters:
    ///   - account: The `AGENT/ACCOUNT` name used in the give-up reason.
    ///   - configuration: The timing and round limit.
    public init(account: String = "AGENT/ACCOUNT", configuration: QRRotationConfiguration = QRRotationConfiguration()) {
        self.account = account
        self.configuration = configuration
    }

    /// When the current ref expires and ``tick(at:)`` is due; `nil` when nothing is shown.
    public var nextRotation: C.Instant? { expiresAt }

    /// The ref being shown, if any.
    public var currentRef: String? { expiresAt == nil ? nil : refs[index] }

    /// The reason given when pairing gives up.
    public var giveUpReason: String {
        "QR code not scanned after \(round) \(round == 1 ? "round" : "rounds"); run `wagate accounts start \(account)` to try again"
    }

    // MARK: - Inputs

    /// The server sent a round of refs (`<pair-device><ref>…</ref>…</pair-device>`).
    /// - Parameters:
    ///   - newRefs: The refs, in order.
    ///   - now: When, by the shell's clock.
    /// - Returns: ``QRRotationAction/show(ref:duration:index:round:)`` for the first ref, or
    ///   ``QRRotationAction/giveUp(reason:)`` if the rounds are used up (a round fetched by a reconnect
    ///   that was not asked for still counts), or ``QRRotationAction/requestNewRefs`` for an empty round.
    public mutating func refsReceived(_ newRefs: [String], at now: C.Instant) -> QRRotationAction {
        guard !gaveUp else { return .none }
        guard round < configuration.maxRounds else { return giveUp() }
        round += 1
        refs = newRefs
        index = 0
        guard !refs.isEmpty else {
            expiresAt = nil
            return roundEnded()
        }
        return show(for: configuration.firstRefDuration, at: now)
    }

    /// Time passed; call it when ``nextRotation`` is reached (calling it early is harmless).
    /// - Parameter now: The current time, by the shell's clock.
    /// - Returns: The next ref to show, a request for new refs, the give-up, or nothing.
    public mutating func tick(at now: C.Instant) -> QRRotationAction {
        guard !gaveUp, let expiresAt, now >= expiresAt else { return .none }
        index += 1
        guard index < refs.count else {
            self.expiresAt = nil
            return roundEnded()
        }
        // Timed from now rather than from the old expiry, so a late wake-up never shortens a code.
        return show(for: configuration.nextRefDuration, at: now)
    }

    // MARK: - Helpers

    private mutating func show(for duration: Duration, at now: C.Instant) -> QRRotationAction {
        expiresAt = now.advanced(by: duration)
        return .show(ref: refs[index], duration: duration, index: index + 1, round: round)
    }

    private mutating func roundEnded() -> QRRotationAction {
        round >= configuration.maxRounds ? giveUp() : .requestNewRefs
    }

    private mutating func giveUp() -> QRRotationAction {
        gaveUp = true
        expiresAt = nil
        return .giveUp(reason: giveUpReason)
    }
}
