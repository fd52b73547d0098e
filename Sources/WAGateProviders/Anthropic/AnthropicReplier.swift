import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import WAGateConversation
import WAGateCore

/// The `anthropic` model provider: answers with Anthropic's Messages API (`POST /v1/messages`).
///
/// The prompt comes from ``PromptBuilder``: the character as `system`, the history window and the messages
/// to answer as `messages`. Replies stream by default (server-sent events); each attempt is bounded by
/// ``Configuration/requestTimeout`` and failures are retried by ``Configuration/retry``. Every failure is
/// a ``ProviderError`` whose message says what to fix, without the API key.
///
/// ```swift
/// let replier = AnthropicReplier(
///     configuration: try .init(agent: agent), httpClient: httpClient, logger: logger)
/// let reply = try await replier.reply(to: request)
/// ```
public struct AnthropicReplier: StreamingAgentReplier {
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
        logger[metadataKey: "provider"] = "anthropic"
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
                return try await Self.readStream(response, sink: sink)
            }
            let reply = try Self.readMessage(try await ProviderResponse.collect(response, provider: "Anthropic"))
            try await sink.send(reply.text)
            return reply
        }
        if result.stopReason == "max_tokens" {
            logger.warning(
                "the reply was cut at max_tokens; raise settings.maxTokens for longer replies",
                metadata: ["model": "\(configuration.model)", "max_tokens": "\(configuration.maxTokens)"])
        }
        return result.text.trimmedNonEmpty
    }

    private var endpoint: ProviderTransport.Endpoint {
        var headers = HTTPHeaders()
        headers.add(name: "x-api-key", value: configuration.apiKey)
        headers.add(name: "anthropic-version", value: configuration.apiVersion)
        return ProviderTransport.Endpoint(
            providerName: "Anthropic", url: configuration.messagesURL, headers: headers,
            keyVariable: configuration.apiKeySource, secret: configuration.apiKey, model: configuration.model)
    }

    /// The Messages API request body.
    func requestBody(for prompt: ChatPrompt, stream: Bool) -> JSONValue {
        var object: [String: JSONValue] = [
            "model": .string(configuration.model),
            "max_tokens": .int(Int64(configuration.maxTokens)),
            "system": .string(prompt.system),
            "messages": .array(prompt.turns.map { ["role": .string($0.role.rawValue), "content": .string($0.content)] }),
        ]
        if let temperature = configuration.temperature { object["temperature"] = .double(temperature) }
        if stream { object["stream"] = true }
        return .object(object)
    }

    // MARK: Responses

    struct Reply: Sendable {
        var text: String
        var stopReason: String?
    }

    /// A whole (non-streamed) Messages API reply: the text blocks of `content`, joined.
    static func readMessage(_ body: ByteBuffer) throws(ProviderError) -> Reply {
        guard let message = try? JSONValue.parse(String(buffer: body)), let content = message["content"]?.arrayValue else {
            throw ProviderError(
                code: .malformedResponse, provider: "Anthropic",
                message: "Anthropic answered with something that is not a Messages API reply: "
                    + PromptBuilder.cut(String(buffer: body), to: 120))
        }
        let text = content.filter { $0["type"]?.stringValue == "text" }.compactMap { $0["text"]?.stringValue }.joined()
        return Reply(text: text, stopReason: message["stop_reason"]?.stringValue)
    }

    private static func readStream(_ response: HTTPClientResponse, sink: TextSink) async throws -> Reply {
        var parser = ServerSentEventParser()
        var state = AnthropicStreamState()
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
                code: .transport, provider: "Anthropic",
                message: "Anthropic's stream ended before message_stop (\(state.text.count) characters received)")
        }
        return Reply(text: state.text, stopReason: state.stopReason)
    }

    /// The type and message of an error body (`{"type":"error","error":{"type":…,"message":…}}`).
    static func errorDetail(_ body: ByteBuffer) -> ProviderTransport.ErrorDetail {
        guard let payload = try? JSONValue.parse(String(buffer: body)), let error = payload["error"] else {
            let text = String(buffer: body).trimmedNonEmpty
            return .init(type: nil, code: nil, message: text.map { PromptBuilder.cut($0, to: 200) })
        }
        return .init(type: error["type"]?.stringValue, code: nil, message: error["message"]?.stringValue)
    }
}
