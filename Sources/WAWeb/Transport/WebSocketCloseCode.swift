/// The status code of a websocket close frame (RFC 6455 §7.4).
///
/// A struct rather than an enum so that application codes (4000–4999) and codes this file does not name
/// round-trip unchanged.
public struct WebSocketCloseCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The code on the wire.
    public var rawValue: UInt16

    /// Creates a code from its wire value.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Creates a code from its wire value.
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// 1000: the purpose of the connection is fulfilled.
    public static let normalClosure = WebSocketCloseCode(1000)
    /// 1001: the endpoint is going away (server shutdown, client navigating away).
    public static let goingAway = WebSocketCloseCode(1001)
    /// 1002: the peer broke the protocol.
    public static let protocolError = WebSocketCloseCode(1002)
    /// 1003: a data type the endpoint does not accept (here: text messages).
    public static let unsupportedData = WebSocketCloseCode(1003)
    /// 1008: a message violated the endpoint's policy.
    public static let policyViolation = WebSocketCloseCode(1008)
    /// 1009: a message was too big to process.
    public static let messageTooBig = WebSocketCloseCode(1009)
    /// 1011: the server hit an unexpected condition.
    public static let internalError = WebSocketCloseCode(1011)

    /// Whether an endpoint may put this code in a close frame (RFC 6455 §7.4.1–7.4.2): 1005, 1006 and 1015
    /// are reserved for reporting, 1004 and the other unassigned codes below 3000 are reserved.
    var isSendable: Bool {
        switch rawValue {
        case 1000...1003, 1007...1011: true
        case 3000...4999: true
        default: false
        }
    }

    /// The decimal code.
    public var description: String { String(rawValue) }
}
