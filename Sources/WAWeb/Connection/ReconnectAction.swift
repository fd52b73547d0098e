/// What the connection shell must do after feeding an input to ``ReconnectStateMachine``.
///
/// The shell is a `switch` over this and nothing else; after it, it reports
/// ``ReconnectStateMachine/phase`` and ``ReconnectStateMachine/reason`` as the account's state.
public enum ReconnectAction: Sendable, Hashable {
    /// Nothing to do (a stale or repeated input).
    case none
    /// Cancel any pending reconnect timer and open a new connection (websocket, Noise handshake, login
    /// payload; the registration payload when there is no stored session).
    case connect
    /// Arm the reconnect timer: call ``ReconnectStateMachine/timerFired()`` after `after`. `attempt`
    /// (from 1) and the delay are for the log line; they are also in the machine's reason.
    case scheduleReconnect(after: Duration, attempt: Int)
    /// Report `logged_out` with `reason`, delete the stored session (keys, Signal state), then connect
    /// with a fresh registration payload so that a new QR code is shown (the machine is in `awaiting_qr`).
    case discardSessionAndPair(reason: String)
    /// Close the connection if one is open, cancel any pending timer, and stay stopped.
    case stop(reason: String)
    /// Close the connection if one is open, cancel any pending timer, and stay `failed`.
    case fail(reason: String)
}
