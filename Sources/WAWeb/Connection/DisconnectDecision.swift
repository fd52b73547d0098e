/// What the account does after a connection ends, decided by ``DisconnectReason/decision``.
public enum DisconnectDecision: Sendable, Hashable {
    /// Connect again at once, without delay and without counting an attempt (515, new QR refs).
    case reconnectNow
    /// Connect again after an exponential backoff with full jitter (every transient cause).
    case backoff
    /// Discard the stored session and pair again with a new QR code (the phone removed the device).
    case discardSessionAndPair(reason: String)
    /// Stop and stay stopped until told otherwise (440: another connection holds the device; retrying
    /// would ping-pong with it, and a sharding layer decides who owns the account).
    case stop(reason: String)
    /// Stop in `failed`: retrying cannot help until an operator acts; the reason says what to do.
    case fail(reason: String)
}
