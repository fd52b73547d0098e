import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Testing
import WAGateConversation
import WAGateCore

@testable import WAGateProviders

@Suite struct OpenAIReplierTests {
    static let completionBody = """
        {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-test",\
        "choices":[{"index":0,"message":{"role":"assistant","content":"Sunny, 24°C.","refusal":null},\
        "logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":30,"completion_tokens":5,"total_tokens":35}}
        """

    static func chunk(_ delta: String, finish: String? = nil) -> String {
        let reason = finish.map { "\"\($0)\"" } ?? "null"
        return #"data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-test","choices":[{"index":0,"delta":\#(delta),"logprobs":null,"finish_reason":\#(reason)}]}"#
            + "\n\n"
    }

    /// A real-shaped stream: role chunk, text chunks (multi-byte), a keep-alive comment, finish chunk, usage
    /// chunk without choices, and `[DONE]`.
    static let eventStream =
        chunk(#"{"role":"assistant","content":"","refusal":null}"#) + chunk(#"{"content":"Sun"}"#) + ": keep-alive\n\n"
        + chunk(#"{"content":"ny, 24°C ☀️"}"#) + chunk("{}", finish: "stop")
        + #"data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":30,"completion_tokens":5,"total_tokens":35}}"#
        + "\n\ndata: [DONE]\n\n"

    static let sseHeaders = [("content-type", "text/event-stream")]

    private func replier(
        _ server: TestHTTPServer, client: HTTPClient, streaming: Bool, apiKey: String? = Fixtures.openAIKey,
        maxTokensField: String = "max_completion_tokens", sleeps: SleepRecorder = SleepRecorder()
    ) -> OpenAIReplier {
        let configuration = OpenAIReplier.Configuration(
            apiKey: apiKey, baseURL: server.baseURL + "/v1", model: "gpt-test", maxTokens: 200, maxTokensField: maxTokensField,
            requestTimeout: .seconds(10), retry: RetryPolicy(maxRetries: 2), streaming: streaming)
        var replier = OpenAIReplier(configuration: configuration, httpClient: client, logger: Fixtures.logger())
        replier.sleep = sleeps.sleep
        return replier
    }

    private let request = Fixtures.request(
        chat: Fixtures.groupChat,
        history: [
            Fixtures.entry("hi all", chat: Fixtures.groupChat, sender: "15550002222@s.whatsapp.net", pushName: "Alice"),
            Fixtures.entry("Hello Alice!", chat: Fixtures.groupChat, fromMe: true),
        ],
        messages: [Fixtures.message("@Milady weather?", chat: Fixtures.groupChat, sender: "15550002222@s.whatsapp.net", pushName: "Alice")])

    private func expectCompletionRequest(_ sent: TestHTTPServer.Request, stream: Bool, bearer: String?) throws {
        #expect(sent.method == .POST)
        #expect(sent.uri == "/v1/chat/completions")
        #expect(sent.headers.first(name: "authorization") == bearer.map { "Bearer \($0)" })
        #expect(sent.headers.first(name: "x-api-key") == nil)
        #expect(sent.headers.first(name: "content-type") == "application/json")
        let body = try #require(sent.json)
        #expect(body["model"] == "gpt-test")
        #expect(body["stream"] == (stream ? true : nil))
        let messages = try #require(body["messages"]?.arrayValue)
        #expect(messages.map { $0["role"]?.stringValue } == ["system", "user", "assistant", "user"])
        #expect(messages[0]["content"]?.stringValue?.contains("WhatsApp group") == true)
        #expect(messages.dropFirst().map { $0["content"]?.stringValue } == ["Alice: hi all", "Hello Alice!", "Alice: @Milady weather?"])
    }

    @Test func aWholeCompletionIsRead() async throws {
        try await Fixtures.withServer([.respond(status: .ok, body: Self.completionBody)]) { server, client in
            let reply = try await replier(server, client: client, streaming: false).reply(to: request)
            #expect(reply == "Sunny, 24°C.")
            let sent = try #require(server.requests.first)
            try expectCompletionRequest(sent, stream: false, bearer: Fixtures.openAIKey)
            #expect(sent.json?["max_completion_tokens"] == 200)
            #expect(sent.json?["max_tokens"] == nil)
        }
    }

    @Test func aStreamSplitAtAwkwardBytesIsReassembled() async throws {
        let answer = TestHTTPServer.Answer.stream(
            headers: Self.sseHeaders, pieces: Fixtures.pieces(Self.eventStream, every: 3), pause: .milliseconds(1))
        try await Fixtures.withServer([answer]) { server, client in
            let pieces = PieceRecorder()
            let reply = try await replier(server, client: client, streaming: true).streamReply(to: request) { pieces.record($0) }
            #expect(reply == "Sunny, 24°C ☀️")
            #expect(pieces.recorded == ["Sun", "ny, 24°C ☀️"])
            try expectCompletionRequest(try #require(server.requests.first), stream: true, bearer: Fixtures.openAIKey)
        }
    }

    @Test func aCompatibleServerWithoutKeyGetsNoAuthorizationAndMaxTokens() async throws {
        // Some compatible servers answer a streaming request with plain JSON; that is read whole.
        try await Fixtures.withServer([.respond(status: .ok, body: Self.completionBody)]) { server, client in
            let replier = replier(server, client: client, streaming: true, apiKey: nil, maxTokensField: "max_tokens")
            let reply = try await replier.reply(to: request)
            #expect(reply == "Sunny, 24°C.")
            let sent = try #require(server.requests.first)
            try expectCompletionRequest(sent, stream: true, bearer: nil)
            #expect(sent.json?["max_tokens"] == 200)
            #expect(sent.json?["max_completion_tokens"] == nil)
        }
    }

    @Test func serverErrorsAndRateLimitsAreRetried() async throws {
        let limited = #"{"error":{"message":"Rate limit reached for gpt-test","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#
        try await Fixtures.withServer([
            .respond(status: .serviceUnavailable, headers: [("content-type", "text/plain")], body: "upstream connect error"),
            .respond(status: .tooManyRequests, headers: [("retry-after-ms", "1500")], body: limited),
            .stream(headers: Self.sseHeaders, pieces: [Array(Self.eventStream.utf8)]),
        ]) { server, client in
            let sleeps = SleepRecorder()
            let reply = try await replier(server, client: client, streaming: true, sleeps: sleeps).reply(to: request)
            #expect(reply == "Sunny, 24°C ☀️")
            #expect(server.requests.count == 3)
            #expect(sleeps.recorded.count == 2)
            #expect(sleeps.recorded.last == .milliseconds(1500))
        }
    }

    @Test func aRejectedKeyFailsAtOnceWithoutShowingTheKey() async throws {
        let masked = "sk-proj-" + String(repeating: "*", count: 20) + "cdef"
        let body = """
            {"error":{"message":"Incorrect API key provided: \(masked). You can find your API key at \
            https://platform.openai.com/account/api-keys. (sent: \(Fixtures.openAIKey))","type":"invalid_request_error",\
            "param":null,"code":"invalid_api_key"}}
            """
        try await Fixtures.withServer([.respond(status: .unauthorized, body: body)]) { server, client in
            let replier = replier(server, client: client, streaming: true)
            let error = await #expect(throws: ProviderError.self) { try await replier.reply(to: request) }
            #expect(server.requests.count == 1)
            #expect(error?.code == .authentication)
            let text = try #require(error?.description)
            #expect(text.hasPrefix("OpenAI rejected the API key (401 invalid_request_error): Incorrect API key provided: <redacted>"))
            #expect(text.hasSuffix("check OPENAI_API_KEY"))
            #expect(!text.contains("TESTKEY"))
            #expect(!text.contains(masked))
        }
    }

    @Test func anExhaustedQuotaIsNotRetried() async throws {
        let quota = #"{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#
        try await Fixtures.withServer([.respond(status: .tooManyRequests, body: quota)]) { server, client in
            let replier = replier(server, client: client, streaming: false)
            let error = await #expect(throws: ProviderError.self) { try await replier.reply(to: request) }
            #expect(server.requests.count == 1)
            #expect(error?.description.hasPrefix("OpenAI says the account's quota is used up (429 insufficient_quota)") == true)
        }
    }

    @Test func malformedAnswersAreClearErrors() async throws {
        try await Fixtures.withServer([
            .respond(status: .ok, body: #"{"object":"list","data":[]}"#),
            .stream(headers: Self.sseHeaders, pieces: [Array("data: {not json\n\n".utf8)]),
        ]) { server, client in
            let whole = await #expect(throws: ProviderError.self) {
                try await replier(server, client: client, streaming: false).reply(to: request)
            }
            #expect(whole?.code == .malformedResponse)
            #expect(whole?.description.hasPrefix("OpenAI answered with something that is not a chat completion") == true)
            let streamed = await #expect(throws: ProviderError.self) {
                try await replier(server, client: client, streaming: true).reply(to: request)
            }
            #expect(streamed?.code == .malformedResponse)
            #expect(streamed?.description == "OpenAI sent a stream event that is not JSON: {not json")
            #expect(server.requests.count == 2)
        }
    }

    @Test func anErrorInsideTheStreamIsReported() async throws {
        let failing = #"data: {"error":{"message":"The model is overloaded","type":"invalid_request_error","code":null}}"# + "\n\n"
        try await Fixtures.withServer([.stream(headers: Self.sseHeaders, pieces: [Array(failing.utf8)])]) { server, client in
            let error = await #expect(throws: ProviderError.self) {
                try await replier(server, client: client, streaming: true).reply(to: request)
            }
            #expect(error?.description == "OpenAI ended the stream with an error (invalid_request_error): The model is overloaded")
            #expect(server.requests.count == 1)
        }
    }
}
