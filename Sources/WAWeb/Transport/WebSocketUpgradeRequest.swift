import NIOHTTP1

/// The HTTP request a client upgraded with, as the server saw it: path and headers (so a sandbox can
/// check `Origin`, or read WhatsApp's `?ED=` routing parameter).
public struct WebSocketUpgradeRequest: Sendable {
    /// The request target: path and query, e.g. `/ws/chat?ED=...`.
    public var target: String
    /// The request headers in the order received.
    public var headers: [(name: String, value: String)]

    /// Creates a request description.
    public init(target: String, headers: [(name: String, value: String)]) {
        self.target = target
        self.headers = headers
    }

    init(_ head: HTTPRequestHead) {
        self.init(target: head.uri, headers: head.headers.map { ($0.name, $0.value) })
    }

    /// The path, without the query.
    public var path: String {
        String(target[..<(target.firstIndex(of: "?") ?? target.endIndex)])
    }

    /// The first value of a header, matched case-insensitively.
    /// - Parameter name: e.g. `Origin`.
    /// - Returns: The value, or nil if the header is absent.
    public func value(forHeader name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}
