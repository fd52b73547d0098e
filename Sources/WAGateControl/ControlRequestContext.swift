import Logging
import WAGateCore

/// What a method handler knows about the call besides its params.
public struct ControlRequestContext: Sendable {
    /// The calling process (`SO_PEERCRED`).
    public var peer: ControlPeer
    /// The server-wide connection number (for logs and audit).
    public var connectionID: UInt64
    /// The request's `id` as sent (a string or an integer), e.g. `"cli:accounts.list#1"`.
    public var requestID: JSONValue
    /// The method being called.
    public var method: String
    /// A logger carrying `control.connection`, `control.method`, `control.request_id`, `peer.uid`, `peer.pid`.
    public var logger: Logger

    /// Creates a context (the server does this; tests of handlers may too).
    public init(peer: ControlPeer, connectionID: UInt64, requestID: JSONValue, method: String, logger: Logger) {
        self.peer = peer
        self.connectionID = connectionID
        self.requestID = requestID
        self.method = method
        self.logger = logger
    }
}
