import WAGateCore

/// Follows one streamed chat completion: `data:` events carrying `chat.completion.chunk` objects whose
/// `choices[0].delta.content` holds the text, ended by `data: [DONE]`. Chunks without choices (usage) and
/// other delta fields (role, tool calls, reasoning) are skipped; an `error` object ends the stream.
struct OpenAIStreamState: Sendable {
    let providerName: String
    private(set) var text = ""
    private(set) var finishReason: String?
    private(set) var done = false

    init(providerName: String) {
        self.providerName = providerName
    }

    /// Whether the reply is complete: `[DONE]` arrived, or at least a finish reason (some compatible
    /// servers close the stream without `[DONE]`).
    var finished: Bool { done || finishReason != nil }

    /// Takes one event.
    /// - Returns: The text it adds, if any.
    /// - Throws: ``ProviderError`` for an error object or an event that is not JSON.
    mutating func handle(_ event: ServerSentEvent) throws(ProviderError) -> String? {
        let data = event.data.trimmed
        if data == "[DONE]" {
            done = true
            return nil
        }
        guard let payload = try? JSONValue.parse(data) else {
            throw ProviderError(
                code: .malformedResponse, provider: providerName,
                message: "\(providerName) sent a stream event that is not JSON: \(PromptBuilder.cut(data, to: 120))")
        }
        if let error = payload["error"], !error.isNull {
            throw Self.streamError(error, providerName: providerName)
        }
        guard let choice = payload["choices"]?.arrayValue?.first else { return nil }
        if let reason = choice["finish_reason"]?.stringValue { finishReason = reason }
        guard let piece = choice["delta"]?["content"]?.stringValue, !piece.isEmpty else { return nil }
        text += piece
        return piece
    }

    /// The error an in-stream error object describes; server-side failures stay retryable.
    static func streamError(_ error: JSONValue, providerName: String) -> ProviderError {
        let type = error["type"]?.stringValue ?? error["code"]?.stringValue
        let message = error["message"]?.stringValue ?? error.stringValue ?? "no message"
        let code: ProviderError.Code =
            switch type {
            case "server_error", "api_error": .serverError
            case "rate_limit_exceeded", "rate_limit_error": .rateLimited
            default: .badRequest
            }
        return ProviderError(
            code: code, provider: providerName, providerErrorType: type,
            message: "\(providerName) ended the stream with an error (\(type ?? "unknown")): \(message)")
    }
}
