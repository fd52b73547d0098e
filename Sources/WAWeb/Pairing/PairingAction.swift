import WABinary

/// What the pairing shell must do after feeding an input to ``PairingStateMachine``.
///
/// One input can call for several actions; the machine returns them in the order they must be
/// performed (e.g. ``persist(_:)`` before the ``send(_:)`` that confirms the link, reference §4.3).
public enum PairingAction: Sendable, Equatable {
    /// Send this node to the server.
    case send(Node)
    /// Render this QR code text; it is replaced (by another ``showQR(text:expiresIn:)``) after `expiresIn`.
    case showQR(text: String, expiresIn: Duration)
    /// Store the newly linked device durably; this must succeed before the following ``send(_:)``.
    case persist(PairedDevice)
    /// Every QR ref of the round expired: reconnect with the registration payload to get new refs,
    /// keeping this machine (it counts rounds across connections).
    case reconnectForNewRefs
    /// The server asked for the restart that completes pairing (`<stream:error code="515"/>`):
    /// reconnect at once with the login payload (reference §2.2) as this device.
    case reconnectAsLogin(PairedDevice)
    /// Nobody scanned within the allowed rounds: stop pairing with this reason.
    case giveUp(reason: String)
    /// Pairing failed and cannot continue on its own: stop with this reason for the user.
    case fail(reason: String)
}
