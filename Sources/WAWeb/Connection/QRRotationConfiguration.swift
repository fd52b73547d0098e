/// Parameters of the QR code rotation while pairing (protocol notes §4.2).
///
/// The server sends a round of refs (six in practice); the first is shown 60 s and each next one 20 s,
/// as whatsmeow and Baileys do (≈160 s per round). When a round runs out, a new connection brings the
/// next round. After ``maxRounds`` rounds (default 5, Milady's `MAX_QR_ATTEMPTS`; ≈13 minutes of codes)
/// pairing gives up: an unattended account must not reconnect for QR codes forever, and repeated pairing
/// attempts have drawn cooldowns from WhatsApp (openclaw#19908).
public struct QRRotationConfiguration: Sendable, Hashable {
    /// How long the first ref of a round is shown.
    public var firstRefDuration: Duration
    /// How long each following ref of a round is shown.
    public var nextRefDuration: Duration
    /// Rounds of refs to show before giving up (at least 1).
    public var maxRounds: Int

    /// Creates a configuration.
    /// - Parameters:
    ///   - firstRefDuration: Display time of a round's first ref (default 60 s).
    ///   - nextRefDuration: Display time of each next ref (default 20 s).
    ///   - maxRounds: Rounds before giving up (default 5).
    public init(firstRefDuration: Duration = .seconds(60), nextRefDuration: Duration = .seconds(20), maxRounds: Int = 5) {
        self.firstRefDuration = firstRefDuration
        self.nextRefDuration = nextRefDuration
        self.maxRounds = max(1, maxRounds)
    }
}
