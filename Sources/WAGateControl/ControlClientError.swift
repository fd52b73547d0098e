import WAGateCore

/// A failed control call or connection.
///
/// For errors the gateway sent, ``code`` is the JSON-RPC code, ``kind`` is `error.data.kind` (e.g.
/// `"gw.AccountNotFound"`) and ``data`` is `error.data`. For local failures ``code`` is `nil` and ``kind`` starts
/// with `client.` (see the static kind names).
public struct ControlClientError: Error, Sendable, CustomStringConvertible {
    /// The remote JSON-RPC error code, or `nil` for a local failure.
    public var code: Int?
    /// A message for humans (the gateway's `error.message` for remote errors).
    public var message: String
    /// The stable kind: `error.data.kind` for remote errors, `client.*` for local ones.
    public var kind: String
    /// `error.data` for remote errors (`.null` otherwise, or extra details for `gw.SubscriptionLagged`).
    public var data: JSONValue

    /// Nothing listens on the socket path (missing file or stale socket).
    public static let noGatewayKind = "client.NoGateway"
    /// The socket exists but this user may not connect to it.
    public static let permissionDeniedKind = "client.PermissionDenied"
    /// Connecting failed for another reason.
    public static let connectFailedKind = "client.ConnectFailed"
    /// The connection closed before the answer arrived (also: the peer uid was refused).
    public static let connectionClosedKind = "client.ConnectionClosed"
    /// The gateway sent something that is not a valid response.
    public static let invalidResponseKind = "client.InvalidResponse"
    /// A subscription's events were not consumed fast enough on the client side.
    public static let subscriptionOverflowKind = "client.SubscriptionOverflow"
    /// The gateway closed a subscription because the client fell behind (`events.lagged`); see ``resumeSince``.
    public static let subscriptionLaggedKind = "gw.SubscriptionLagged"

    /// Creates an error.
    public init(code: Int? = nil, message: String, kind: String, data: JSONValue = .null) {
        self.code = code
        self.message = message
        self.kind = kind
        self.data = data
    }

    /// Whether the gateway sent this error (rather than the client detecting a failure).
    public var isRemote: Bool { code != nil }

    /// For `gw.SubscriptionLagged` and `gw.CursorExpired`: the `since` to resubscribe with.
    public var resumeSince: UInt64? {
        guard let since = data["resume_with"]?["since"]?.intValue, since >= 0 else { return nil }
        return UInt64(since)
    }

    public var description: String {
        if let code { return "\(message) [\(kind), \(code)]" }
        return "\(message) [\(kind)]"
    }
}
