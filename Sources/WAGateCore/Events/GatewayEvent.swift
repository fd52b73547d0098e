import Foundation

/// One event published on the gateway's ``EventBus``: an account changed state, a message arrived, a pairing
/// request is waiting...
///
/// `seq` is gateway-wide and strictly increasing (1, 2, 3, ... with no gaps) for the life of the process, so a
/// subscriber can resume with "everything after seq N".
public struct GatewayEvent: Sendable, Hashable {
    /// The gateway-wide sequence number, starting at 1.
    public var seq: UInt64
    /// When the event was published.
    public var time: Date
    /// A dotted event kind, e.g. `"account.state"`, `"message.inbound"`.
    public var kind: String
    /// The agent the event concerns, if any.
    public var agent: String?
    /// The account the event concerns, if any.
    public var account: String?
    /// The kind-specific payload.
    public var data: JSONValue

    /// Creates an event; normally only ``EventBus/publish(kind:agent:account:data:)`` does this.
    public init(seq: UInt64, time: Date, kind: String, agent: String? = nil, account: String? = nil, data: JSONValue) {
        self.seq = seq
        self.time = time
        self.kind = kind
        self.agent = agent
        self.account = account
        self.data = data
    }

    /// The event as a JSON object: `{seq, time (ISO 8601, UTC, milliseconds), kind, agent?, account?, data}`.
    /// This is the `event` member of the control API's `events` notifications.
    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = [
            "seq": .int(Int64(clamping: seq)),
            "time": .string(time.formatted(Self.timeFormat)),
            "kind": .string(kind),
            "data": data,
        ]
        if let agent { object["agent"] = .string(agent) }
        if let account { object["account"] = .string(account) }
        return .object(object)
    }

    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
