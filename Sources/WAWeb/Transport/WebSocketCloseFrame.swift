/// What a peer's close frame said: its status code, if it carried one, and its reason text.
public struct WebSocketCloseFrame: Sendable, Hashable, CustomStringConvertible {
    /// The status code; `nil` when the close frame had no body (reported as 1005 by browsers).
    public var code: WebSocketCloseCode?
    /// The UTF-8 reason, empty when none was given.
    public var reason: String

    /// Creates a close frame description.
    public init(code: WebSocketCloseCode?, reason: String = "") {
        self.code = code
        self.reason = reason
    }

    /// `code reason`, or `no status` for an empty close frame.
    public var description: String {
        let status = code.map { String($0.rawValue) } ?? "no status"
        return reason.isEmpty ? status : "\(status) \(reason)"
    }
}
