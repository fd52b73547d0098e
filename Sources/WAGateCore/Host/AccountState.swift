/// Where an account is in its life. The raw values are the wire and database spelling.
public enum AccountState: String, Sendable, CaseIterable, Codable {
    /// Not running; nothing is connected.
    case stopped
    /// Loading keys and stored credentials.
    case starting
    /// Not linked yet: waiting for the phone to scan a QR code.
    case awaitingQR = "awaiting_qr"
    /// Linked; the connection is being opened.
    case connecting
    /// Logged in and receiving.
    case connected
    /// Waiting before the next connection attempt.
    case backoff
    /// The phone removed this device; a new link is needed.
    case loggedOut = "logged_out"
    /// Stopped by an error that needs an operator (the reason says which).
    case failed

    /// Whether the account's loop is doing something (as opposed to resting in a final state).
    public var isActive: Bool {
        switch self {
        case .starting, .awaitingQR, .connecting, .connected, .backoff: return true
        case .stopped, .loggedOut, .failed: return false
        }
    }
}
