/// The built-in `echo` model provider: answers with the text it received, for trying the gateway (and
/// measuring it) without a model key.
public struct EchoReplier: AgentReplier {
    /// Creates the provider.
    public init() {}

    public func reply(to request: ReplyRequest) async throws -> String? {
        let text = request.text
        return text.isEmpty ? nil : text
    }
}
