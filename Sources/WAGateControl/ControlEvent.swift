import WAGateCore

/// One `events` notification as received by ``ControlClient``.
public struct ControlEvent: Sendable, Hashable {
    /// The subscription it belongs to (`"s1"`).
    public var subscription: String
    /// The gateway-wide sequence number.
    public var seq: UInt64
    /// The event kind, e.g. `"account.state"`.
    public var kind: String
    /// The publication time (ISO 8601), as sent.
    public var time: String?
    /// The agent concerned, if any.
    public var agent: String?
    /// The account concerned, if any.
    public var account: String?
    /// The payload.
    public var data: JSONValue
    /// The whole `event` object as sent (forward compatible: fields may be added).
    public var raw: JSONValue

    /// Reads `params` of an `events` notification; `nil` when it is malformed.
    init?(params: JSONValue) {
        guard case .string(let subscription)? = params["subscription"],
            let seq = params["seq"]?.intValue, seq >= 0,
            let event = params["event"], case .string(let kind)? = event["kind"]
        else { return nil }
        self.subscription = subscription
        self.seq = UInt64(seq)
        self.kind = kind
        self.time = event["time"]?.stringValue
        self.agent = event["agent"]?.stringValue
        self.account = event["account"]?.stringValue
        self.data = event["data"] ?? .null
        self.raw = event
    }
}
