import WABinary

/// A new device's pairing over a connected session (reference §4.2–4.3, §8.2), as a pure value: the
/// shell feeds it inbound stanzas and clock ticks and performs the ``PairingAction``s it returns.
///
/// It does no I/O and never reads a clock; the time is passed in, so tests drive it with a mock clock.
/// Keep one instance across the reconnects that fetch new refs, so that ``QRRotation`` counts rounds.
///
/// ```swift
/// var pairing = PairingStateMachine<ContinuousClock>(credentials: credentials)
/// perform(pairing.receive(node, at: clock.now))          // every inbound top-level node
/// // when pairing.nextDeadline is reached:
/// perform(pairing.tick(at: clock.now))
/// ```
public struct PairingStateMachine<C: Clock>: Sendable where C.Duration == Duration {
    /// Where pairing stands.
    public enum Phase: Sendable, Equatable {
        /// Connected, waiting for `<pair-device>` refs (also after ``PairingAction/reconnectForNewRefs``).
        case awaitingRefs
        /// A QR code is on screen; ticks rotate it.
        case showingQR
        /// The phone linked this device; waiting for `<stream:error code="515"/>`.
        case paired(PairedDevice)
        /// Done: restarted as a login, failed, or gave up. Every later input is ignored.
        case finished
    }

    /// The reason given when the phone scanned without multi-device support (reference §4.2 step 6).
    public static var downgradeReason: String {
        "the phone scanned without multi-device support; update WhatsApp on the phone"
    }

    /// The device's keys, shown in the QR and used to verify pair-success.
    public let credentials: DeviceCredentials
    /// The companion platform code in the QR (reference §4.2 step 4; "9" other web client).
    public let platform: String
    /// Where pairing stands.
    public private(set) var phase: Phase = .awaitingRefs
    private var rotation: QRRotation<C>

    /// Creates a machine for a connection that has just been made with the registration payload.
    /// - Parameters:
    ///   - credentials: The device's keys, persisted before this machine shows any QR (reference §4.1).
    ///   - platform: The platform code for the QR text.
    ///   - account: The `AGENT/ACCOUNT` name, for the give-up reason.
    ///   - configuration: The QR rotation timing and round limit.
    public init(
        credentials: DeviceCredentials, platform: String = "9", account: String = "AGENT/ACCOUNT",
        configuration: QRRotationConfiguration = QRRotationConfiguration()
    ) {
        self.credentials = credentials
        self.platform = platform
        self.rotation = QRRotation(account: account, configuration: configuration)
    }

    /// When ``tick(at:)`` is next due; `nil` when no QR code is shown.
    public var nextDeadline: C.Instant? {
        phase == .showingQR ? rotation.nextRotation : nil
    }

    /// The linked device, once pair-success was accepted.
    public var pairedDevice: PairedDevice? {
        if case .paired(let device) = phase { return device }
        return nil
    }

    // MARK: - Inputs

    /// An inbound top-level stanza.
    /// - Parameters:
    ///   - node: Any node the server sent; those that pairing does not concern are ignored.
    ///   - now: When, by the shell's clock.
    ///   - signingRandom: 64 random bytes for the device signature; `nil` draws fresh ones (tests fix them).
    /// - Returns: The actions to perform in order; empty when the node is ignored.
    public mutating func receive(_ node: Node, at now: C.Instant, signingRandom: [UInt8]? = nil) -> [PairingAction] {
        if phase == .finished { return [] }
        switch node.tag {
        case "iq" where Self.isServerSet(node) && node.child("pair-device") != nil:
            return pairDevice(node, at: now)
        case "iq" where Self.isServerSet(node) && node.child("pair-success") != nil:
            return pairSuccess(node, signingRandom: signingRandom)
        case "stream:error" where node.attribute("code") == "515" && node.child("conflict") == nil:
            return restartRequested()
        case "ib" where node.child("downgrade_webclient") != nil:
            // After a successful link the phone evidently supports multi-device; a stray downgrade then
            // must not undo a device that is already persisted.
            guard pairedDevice == nil else { return [] }
            return finish(.fail(reason: Self.downgradeReason))
        default:
            // Other stream errors and closes belong to the connection's own disconnect handling.
            return []
        }
    }

    /// Time passed; call it when ``nextDeadline`` is reached (calling it early is harmless).
    /// - Parameter now: The current time, by the shell's clock.
    /// - Returns: The next QR code, a reconnect for new refs, the give-up, or nothing.
    public mutating func tick(at now: C.Instant) -> [PairingAction] {
        guard phase == .showingQR else { return [] }
        return rotationActions(rotation.tick(at: now))
    }

    // MARK: - Stanzas

    /// `<iq type="set" from="s.whatsapp.net" id=X><pair-device><ref>R</ref>…</pair-device></iq>` (§4.2).
    private mutating func pairDevice(_ iq: Node, at now: C.Instant) -> [PairingAction] {
        guard let id = iq.attribute("id") else { return [] }
        // Acked in every phase: the server expects a result for its IQ whatever we make of it.
        let ack = PairingAction.send(
            Node(tag: "iq", attributes: ["to": .jid(.server), "type": "result", "id": .string(id)]))
        guard pairedDevice == nil else { return [ack] }
        let refs = iq.child("pair-device")?.children("ref").compactMap(\.contentText) ?? []
        return [ack] + rotationActions(rotation.refsReceived(refs, at: now))
    }

    /// `<iq type="set"><pair-success>…</pair-success></iq>` (§4.3).
    private mutating func pairSuccess(_ iq: Node, signingRandom: [UInt8]?) -> [PairingAction] {
        // A repeated pair-success after linking is not re-signed: the stored device stays authoritative.
        guard pairedDevice == nil else { return [] }
        switch PairSuccess.handle(iq, credentials: credentials, random: signingRandom) {
        case .paired(let device, let reply):
            phase = .paired(device)
            // §4.3 steps 6–7: persist first, so a crash after the reply never links a device we lost.
            return [.persist(device), .send(reply)]
        case .rejected(let reason, let reply):
            return [.send(reply)] + finish(.fail(reason: reason))
        }
    }

    /// `<stream:error code="515"/>`: the expected restart after pairing (§4.3 step 9), an error before.
    private mutating func restartRequested() -> [PairingAction] {
        guard let device = pairedDevice else {
            return finish(.fail(reason: "\(DisconnectReason.restartRequired) before the phone linked this device"))
        }
        return finish(.reconnectAsLogin(device))
    }

    // MARK: - Helpers

    /// A server-originated IQ set (`from` absent or `s.whatsapp.net`, as the pairing IQs are).
    private static func isServerSet(_ node: Node) -> Bool {
        guard node.attribute("type") == "set" else { return false }
        guard let from = node.attributes["from"] else { return true }
        return from.text == JID.server.description
    }

    private mutating func rotationActions(_ action: QRRotationAction) -> [PairingAction] {
        switch action {
        case .none:
            return []
        case .show(let ref, let duration, _, _):
            phase = .showingQR
            return [.showQR(text: credentials.qrText(ref: ref, platform: platform), expiresIn: duration)]
        case .requestNewRefs:
            phase = .awaitingRefs
            return [.reconnectForNewRefs]
        case .giveUp(let reason):
            return finish(.giveUp(reason: reason))
        }
    }

    private mutating func finish(_ action: PairingAction) -> [PairingAction] {
        phase = .finished
        return [action]
    }
}
