import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import WAGateConversation
import WAGateCore

/// The `openai` model provider, and `openai-compatible`/`local`: answers with the chat completions API
/// (`POST {baseURL}/chat/completions`), which OpenAI serves and so do local servers (Ollama, vLLM,
/// llama.cpp, LM Studio) and gateways.
///
/// The prompt comes from ``PromptBuilder``: the character as the `system` message, then the history window
/// and the messages to answer. Replies stream by default (server-sent events ending in `[DONE]`); each
/// attempt is bounded by ``Configuration/requestTimeout`` and failures are retried by
/// ``Configuration/retry``. Every failure is a ``ProviderError`` that says what to fix, without the key.
///
/// ```swift
/// let replier = OpenAIReplier(
///     configuration: try .init(agent: agent, compatible: true), httpClient: httpClient, logger: logger)
/// let reply = try await replier.reply(to: request)
/// ```
public struct OpenAIReplier: StreamingAgentReplier {
    /// What is asked and where.
    public var configuration: Configuration
    /// How prompts are built.
    public var promptBuilder: PromptBuilder
    private let httpClient: HTTPClient
    private let logger: Logger
    /// Waits between attempts; tests replace it to observe the waits without spending them.
    var sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }

    /// Creates the provider.
    /// - Parameters:
    ///   - configuration: What is asked and where.
    ///   - httpClient: The process's shared client; its owner shuts it down.
    ///   - promptBuilder: How prompts are built.
    ///   - logger: Where retries and cut-off replies are reported (never keys or message text).
    public init(
        configuration: Configuration, httpClient: HTTPClient, promptBuilder: PromptBuilder = PromptBuilder(), logger: Logger
    ) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.promptBuilder = promptBuilder
        var logger = logger
        logger[metadataKey: "provider"] = "openai"
        self.logger = logger
    }

    public func reply(to request: ReplyRequest) async throws -> String? {
        try await complete(request, sink: TextSink(onText: nil))
    }

    public func streamReply(to request: ReplyRequest, onText: @escaping @Sendable (String) async throws -> Void)
        async throws -> String?
    {
        try await complete(request, sink: TextSink(onText: onText))
    }

    // MARK: Exchange

    private func complete(_ request: ReplyRequest, sink: TextSink) async throws -> String? {
        let prompt = promptBuilder.build(for: request)
        let streaming = configuration.streaming
        let providerName = configuration.providerName
        let body = ByteBuffer(string: requestBody(for: prompt, stream: streaming).jsonString())
        var logger = logger
        logger[metadataKey: "agent"] = "\(request.agent.slug)"
        let transport = ProviderTransport(
            client: httpClient, timeout: configuration.requestTimeout, retry: configuration.retry, logger: logger, sleep: sleep)
        let result = try await transport.send(
            endpoint, body: body, accept: streaming ? "text/event-stream" : "application/json",
            readError: { Self.errorDetail($0) }, delivered: { sink.delivered }
        ) { response in
            if streaming, ProviderResponse.isEventStream(response.headers) {
                return try await Self.readStream(response, sink: sink, providerName: providerName)
            }
            let reply = try Self.readCompletion(
                try await ProviderResponse.collect(response, provider: providerName), providerName: providerName)
            try await sink.send(reply.text)
            return reply
        }
        if result.finishReason == "length" {
            logger.warning(
                "the reply was cut at the token limit; raise settings.maxTokens for longer replies",
                metadata: ["model": "\(configuration.model)", "max_tokens": "\(configuration.maxTokens)"])
        }
        return result.text.trimmedNonEmpty
    }

    private var endpoint: ProviderTransport.Endpoint {
        var headers = HTTPHeaders()
        if let key = configuration.apiKey { headers.add(name: "authorization", value: "Bearer \(key)") }
        return ProviderTransport.Endpoint(
            providerName: configuration.providerName, url: configuration.chatCompletionsURL, headers: headers,
            keyVariable: configuration.apiKeySource, secret: configuration.apiKey, model: configuration.model)
    }

    /// The chat completions request body: the system prompt as the first message, then the turns.
    func requestBody(for prompt: ChatPrompt, stream: Bool) -> JSONValue {
        let system: JSONValue = ["role": "system", "content": .string(prompt.system)]
        let turns = prompt.turns.map { turn -> JSONValue in ["role": .string(turn.role.rawValue), "content": .string(turn.content)] }
        var object: [String: JSONValue] = [
            "model": .string(configuration.model),
            "messages": .array([system] + turns),
            configuration.maxTokensField: .int(Int64(configuration.maxTokens)),
        ]
        if let temperature = configuration.temperature { object["temperature"] = .double(temperature) }
        if stream { object["stream"] = true }
        return .object(object)
    }

    // MARK: Responses

    struct Reply: Sendable {
        var text: String
        var finishReason: String?
    }

    /// A whole (non-streamed) completion: `choices[0].message.content` (or its `refusal`).
    static func readCompletion(_ body: ByteBuffer, providerName: String) throws(ProviderError) -> Reply {
        guard let completion = try? JSONValue.parse(String(buffer: body)),
            let choice = completion["choices"]?.arrayValue?.first, let message = choice["message"]
        else {
            throw ProviderError(
                code: .malformedResponse, provider: providerName,
                message: "\(providerName) answered with something that is not a chat completion: "
                    + PromptBuilder.cut(String(buffer: body), to: 120))
        }
        let text = message["content"]?.stringValue ?? message["refusal"]?.stringValue ?? ""
        return Reply(text: text, finishReason: choice["finish_reason"]?.stringValue)
    }

    private static func readStream(_ response: HTTPClientResponse, sink: TextSink, providerName: String) async throws -> Reply {
        var parser = ServerSentEventParser()
        var state = OpenAIStreamState(providerName: providerName)
        for try await chunk in response.body {
            for event in parser.parse(chunk.readableBytesView) {
                if let piece = try state.handle(event) { try await sink.send(piece) }
            }
        }
        for event in parser.finish() {
            if let piece = try state.handle(event) { try await sink.send(piece) }
        }
        guard state.finished else {
            throw ProviderError(
                code: .transport, provider: providerName,
                message: "\(providerName)'s stream ended before [DONE] (\(state.text.count) characters received)")
        }
        return Reply(text: state.text, finishReason: state.finishReason)
    }

    /// The type, code and message of an error body (`{"error":{"message":…,"type":…,"code":…}}`); some
    /// compatible servers send `{"error":"text"}` or plain text instead.
    static func errorDetail(_ body: ByteBuffer) -> ProviderTransport.ErrorDetail {
        let text = String(buffer: body)
        guard let payload = try? JSONValue.parse(text), let error = payload["error"] else {
            return .init(type: nil, code: nil, message: text.trimmedNonEmpty.map { PromptBuilder.cut($0, to: 200) })
        }
        if let message = error.stringValue { return .init(type: nil, code: nil, message: message) }
        let code = error["code"]?.stringValue ?? error["code"]?.intValue.map { String($0) }
        return .init(type: error["type"]?.stringValue, code: code, message: error["message"]?.stringValue)
    }
}
