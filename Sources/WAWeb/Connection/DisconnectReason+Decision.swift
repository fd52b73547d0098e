extension DisconnectReason {
    /// The reason given when another connection took over the device.
    public static let replacedReason = "replaced: another connection took over this device"

    /// What to do about this reason.
    ///
    /// Choices, where the references disagree (connector reference §5.5, §8 item 6):
    /// - 401 / device removed: discard and pair again, as DESIGN §4 says (OpenClaw's CLI also
    ///   clears the auth dir; whatsmeow deletes its store).
    /// - 440 / replaced: stop, never retry (OpenClaw#25591 was an endless 440 loop, fixed by making 440
    ///   terminal).
    /// - 402, 403, 405, 406, 409, 411: `failed` without touching the session. Retrying cannot succeed
    ///   (whatsmeow does not reconnect on any of them) and discarding a session is irreversible, so the
    ///   operator decides; the reason says what to check.
    /// - TLS and certificate failures back off rather than fail: a captive portal or a proxy on the path
    ///   goes away by itself, and the reason in `backoff` shows the cause while it lasts.
    /// - Everything else backs off forever (capped retries left OpenClaw users disconnected, PR #2603).
    public var decision: DisconnectDecision {
        switch self {
        case .loggedOut:
            return .discardSessionAndPair(
                reason: "logged_out: the phone removed this device (401); the session was discarded, scan the new QR code to link again")
        case .replaced:
            return .stop(reason: Self.replacedReason)
        case .restartRequired, .qrRefsExhausted:
            return .reconnectNow
        case .temporarilyBanned:
            return .fail(reason: "\(self); wait for the ban to end, then run `wagate accounts start`")
        case .forbidden:
            return .fail(reason: "\(self); check WhatsApp on the phone, then link this account again")
        case .clientOutdated:
            return .fail(reason: "\(self); update wagate (or its WhatsApp Web version setting)")
        case .banned:
            return .fail(reason: "\(self); check WhatsApp on the phone before linking again")
        case .userAgentRejected:
            return .fail(reason: "\(self); check the configured user agent or update wagate")
        case .multideviceMismatch:
            return .fail(reason: "\(self); update WhatsApp on the phone, then link again")
        case .timedOut, .connectionClosed, .serviceUnavailable, .serverError, .networkLost, .handshakeFailed,
            .tlsFailure, .keepaliveTimeout, .serverClosed:
            return .backoff
        }
    }
}
