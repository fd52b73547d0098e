/// What ended (or refused) a WhatsApp Web connection, from the server or from this side.
///
/// Sources (protocol notes §8): the `<failure reason=…>` that refuses a login, the `<stream:error>` that
/// ends a session, the bare `<xmlstreamend/>`, `<ib><downgrade_webclient/></ib>`, events the shell sees
/// itself (socket errors, handshake and TLS failures, keepalive death), and the Baileys-style numeric
/// status codes (`init(statusCode:)`) so that logs and tests can speak the numbers users know.
///
/// ``decision`` says what to do about each; ``ReconnectStateMachine`` acts on it.
public enum DisconnectReason: Sendable, Hashable {
    // MARK: Terminal: the device or the client is not accepted

    /// The phone removed this device (`<failure reason=401>`, `<stream:error code=401>`,
    /// `<conflict type="device_removed"/>`, Baileys 401 `loggedOut`).
    case loggedOut
    /// A temporary ban (`<failure reason=402 code=… expire=…>`): `code` says why (101 too many messages
    /// to non-contacts, 102 blocked by users, …), `expire` how long it lasts.
    case temporarilyBanned(code: Int?, expiresIn: Duration?)
    /// The primary phone's account is gone or locked (`<failure reason=403>`, Baileys 403 `forbidden`);
    /// `message` is the server's text (e.g. `LOCKED`).
    case forbidden(message: String?)
    /// The server rejected this client's version (`<failure reason=405>`).
    case clientOutdated
    /// The account is banned, or logged out for an unknown cause (`<failure reason=406>`).
    case banned
    /// The server rejected the user agent in the login payload (`<failure reason=409>`).
    case userAgentRejected
    /// The phone scanned without multi-device support (`<ib><downgrade_webclient/></ib>`, Baileys 411).
    case multideviceMismatch
    /// Another connection with the same credentials took over (`<conflict type="replaced"/>`, Baileys 440).
    case replaced

    // MARK: Restart at once

    /// The server asks for a fresh connection (`<stream:error code=515>`), always right after pairing.
    case restartRequired
    /// Every QR ref of a pairing round expired; a new connection brings new refs (protocol notes §4.2).
    case qrRefsExhausted

    // MARK: Transient: back off and retry

    /// The connection timed out or was lost (Baileys 408 `timedOut` / `connectionLost`).
    case timedOut
    /// The connection was closed (Baileys 428 `connectionClosed`).
    case connectionClosed
    /// The service is unavailable (`<failure reason=503>`, `<stream:error code=503>`).
    case serviceUnavailable
    /// A server error: 500 (Baileys `badSession`), a stream error without a known code, or a code this
    /// client does not know. `nil` when the server sent no (numeric) code.
    case serverError(code: Int?)
    /// The network failed under the socket (read/write error, unreachable, reset).
    case networkLost(detail: String?)
    /// The Noise handshake failed or timed out (no ServerHello within 20 s, bad message).
    case handshakeFailed(detail: String?)
    /// TLS failed or a certificate (TLS or the Noise certificate chain) did not verify.
    case tlsFailure(detail: String?)
    /// No frame answered the keepalive pings (``KeepaliveStateMachine``).
    case keepaliveTimeout
    /// The server ended the stream (`<xmlstreamend/>` or a websocket close) without saying why.
    case serverClosed
}

// MARK: - Baileys status codes

extension DisconnectReason {
    /// Maps a Baileys-style status code (`DisconnectReason` in Baileys, also the `<failure reason>` and
    /// `<stream:error code>` numbers) to a reason. Unknown codes are server errors, which are retried.
    /// - Parameter statusCode: The numeric code, e.g. 401, 440, 515.
    public init(statusCode: Int) {
        switch statusCode {
        case 401: self = .loggedOut
        case 402: self = .temporarilyBanned(code: nil, expiresIn: nil)
        case 403: self = .forbidden(message: nil)
        case 405: self = .clientOutdated
        case 406: self = .banned
        case 408: self = .timedOut
        case 409: self = .userAgentRejected
        case 411: self = .multideviceMismatch
        case 428: self = .connectionClosed
        case 440: self = .replaced
        case 503: self = .serviceUnavailable
        case 515: self = .restartRequired
        default: self = .serverError(code: statusCode)
        }
    }

    /// The Baileys-style status code for logs and events ("disconnected (status N)"), or `nil` for a
    /// server error without a code. Local events take the code Baileys would report for them.
    public var statusCode: Int? {
        switch self {
        case .loggedOut: 401
        case .temporarilyBanned: 402
        case .forbidden: 403
        case .clientOutdated: 405
        case .banned: 406
        case .userAgentRejected: 409
        case .multideviceMismatch: 411
        case .replaced: 440
        case .restartRequired: 515
        // Baileys reports an expired QR as 408 (`timedOut`).
        case .qrRefsExhausted, .timedOut, .networkLost, .keepaliveTimeout: 408
        case .connectionClosed, .serverClosed, .handshakeFailed, .tlsFailure: 428
        case .serviceUnavailable: 503
        case .serverError(let code): code
        }
    }
}

// MARK: - Description

extension DisconnectReason: CustomStringConvertible {
    /// A short human explanation with the status code, for account reasons and logs.
    public var description: String {
        switch self {
        case .loggedOut:
            return "the phone removed this device (401)"
        case .temporarilyBanned(let code, let expiresIn):
            var text = "WhatsApp temporarily banned this account (402"
            if let code { text += ", code \(code)" }
            text += ")"
            if let expiresIn { text += " for \(expiresIn.components.seconds) s" }
            return text
        case .forbidden(let message):
            let detail = message.map { ", \($0)" } ?? ""
            return "WhatsApp refused this device: the primary phone's account is gone or locked (403\(detail))"
        case .clientOutdated:
            return "WhatsApp rejected the client version (405)"
        case .banned:
            return "WhatsApp banned or logged out this account (406)"
        case .userAgentRejected:
            return "WhatsApp rejected the client's user agent (409)"
        case .multideviceMismatch:
            return "the phone does not support multi-device linking (411)"
        case .replaced:
            return "another connection took over this device (440)"
        case .restartRequired:
            return "WhatsApp asked for a restart (515)"
        case .qrRefsExhausted:
            return "every QR code of the round expired; new ones are needed"
        case .timedOut:
            return "connection timed out or lost (408)"
        case .connectionClosed:
            return "connection closed (428)"
        case .serviceUnavailable:
            return "WhatsApp service unavailable (503)"
        case .serverError(let code):
            return "server error (\(code.map(String.init) ?? "no code"))"
        case .networkLost(let detail):
            return "network lost" + Self.suffix(detail)
        case .handshakeFailed(let detail):
            return "Noise handshake failed" + Self.suffix(detail)
        case .tlsFailure(let detail):
            return "TLS or certificate verification failed" + Self.suffix(detail)
        case .keepaliveTimeout:
            return "keepalive timeout: no answer to pings"
        case .serverClosed:
            return "the server closed the stream"
        }
    }

    private static func suffix(_ detail: String?) -> String {
        guard let detail, !detail.isEmpty else { return "" }
        return ": \(detail)"
    }
}
