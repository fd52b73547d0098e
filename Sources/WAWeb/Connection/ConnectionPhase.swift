/// Where a ``ReconnectStateMachine`` is. The raw values are the account states' raw names
/// (`AccountState` in WAGateCore, which this module cannot import), so the shell maps one onto the other
/// with `AccountState(rawValue: phase.rawValue)`.
public enum ConnectionPhase: String, Sendable, Hashable, CaseIterable {
    /// Not running: never started, stopped by request, or stopped because another connection took over.
    case stopped
    /// A connection with stored credentials is being opened.
    case connecting
    /// No usable session: connecting to pair, or showing QR codes.
    case awaitingQR = "awaiting_qr"
    /// Logged in (`<success>` received).
    case connected
    /// Waiting for the reconnect timer.
    case backoff
    /// Stopped by a cause that needs an operator; the reason says which.
    case failed
}
