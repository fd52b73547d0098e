import WABinary

/// The server answered an IQ with `type="error"` (protocol notes §5.0), e.g.
/// `<iq type="error" id=…><error code="404" text="item-not-found"/></iq>`.
public struct IQError: Error, Sendable, CustomStringConvertible {
    /// The numeric `code` of the `<error>` child; `nil` if missing or not a number.
    public var code: Int?
    /// The `text` of the `<error>` child, e.g. `item-not-found`; empty if missing.
    public var text: String
    /// The whole response, for callers that need more than code and text.
    public var response: Node

    /// Reads code and text from an error response.
    public init(response: Node) {
        let error = response.child("error")
        self.code = error?.attribute("code").flatMap { Int($0) }
        self.text = error?.attribute("text") ?? ""
        self.response = response
    }

    /// `IQ error <code> <text>`.
    public var description: String { "IQ error \(code.map(String.init) ?? "?") \(text)" }
}
