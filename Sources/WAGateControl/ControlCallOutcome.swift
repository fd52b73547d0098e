import WAGateCore

/// How a call ended, as passed to the audit hook.
public enum ControlCallOutcome: Sendable, Hashable {
    /// The method returned a result.
    case success
    /// The method failed with this error (as sent to the caller).
    case failure(ControlError)
}

/// Called after every call of a method registered with `mutating: true`, once the response is queued.
///
/// Parameters: the call's context (peer, connection, request id), the method name, the params as received (redact
/// secrets before storing them), and the outcome. The call's in-flight slot is held while this runs, so keep it
/// short.
public typealias ControlAuditHandler =
    @Sendable (ControlRequestContext, String, JSONValue, ControlCallOutcome) async -> Void
