import WAGateCore

/// Follows one streamed Messages API reply, event by event: `message_start`, `content_block_start`,
/// `content_block_delta` (`text_delta` carries the text), `content_block_stop`, `message_delta` (the stop
/// reason), `message_stop`, `ping`, and `error`. Unknown events and other delta types (thinking, tool
/// input) are skipped, as Anthropic's versioning policy asks of clients.
struct AnthropicStreamState: Sendable {
    private(set) var text = ""
    private(set) var stopReason: String?
    private(set) var finished = false

    /// Takes one event.
    /// - Returns: The text it adds, if any.
    /// - Throws: ``ProviderError`` for an `error` event or an event that is not JSON.
    mutating func handle(_ event: ServerSentEvent) throws(ProviderError) -> String? {
        guard let payload = try? JSONValue.parse(event.data) else {
            throw ProviderError(
                code: .malformedResponse, provider: "Anthropic",
                message: "Anthropic sent a stream event that is not JSON (event \(event.event ?? "message")): "
                    + PromptBuilder.cut(event.data, to: 120))
        }
        switch payload["type"]?.stringValue ?? event.event {
        case "content_block_start":
            guard let block = payload["content_block"], block["type"]?.stringValue == "text",
                let start = block["text"]?.stringValue, !start.isEmpty
            else { return nil }
            text += start
            return start
        case "content_block_delta":
            guard let delta = payload["delta"], delta["type"]?.stringValue == "text_delta",
                let piece = delta["text"]?.stringValue
            else { return nil }
            text += piece
            return piece
        case "message_delta":
            if let reason = payload["delta"]?["stop_reason"]?.stringValue { stopReason = reason }
            return nil
        case "message_stop":
            finished = true
            return nil
        case "error":
            throw Self.streamError(payload["error"])
        default:
            return nil
        }
    }

    /// The error an `error` event (or error body) describes; overload and server errors stay retryable.
    static func streamError(_ error: JSONValue?) -> ProviderError {
        let type = error?["type"]?.stringValue
        let message = error?["message"]?.stringValue ?? "no message"
        let code: ProviderError.Code =
            switch type {
            case "overloaded_error": .overloaded
            case "rate_limit_error": .rateLimited
            case "api_error", "timeout_error": .serverError
            case "authentication_error": .authentication
            case "permission_error": .permission
            case "not_found_error": .notFound
            default: .badRequest
            }
        return ProviderError(
            code: code, provider: "Anthropic", providerErrorType: type,
            message: "Anthropic ended the stream with an error (\(type ?? "unknown")): \(message)")
    }
}
