/// What the pairing shell must do after feeding an input to ``QRRotation``.
public enum QRRotationAction: Sendable, Hashable {
    /// Nothing to do now; sleep until ``QRRotation/nextRotation``.
    case none
    /// Show the QR code for `ref` (index `index` of round `round`, both from 1) for `duration`.
    case show(ref: String, duration: Duration, index: Int, round: Int)
    /// The round's refs ran out: reconnect to get new ones (report ``DisconnectReason/qrRefsExhausted``
    /// to ``ReconnectStateMachine``, which reconnects at once).
    case requestNewRefs
    /// Nobody scanned: stop pairing with this reason (``ReconnectStateMachine/stopRequested(reason:)``).
    case giveUp(reason: String)
}
