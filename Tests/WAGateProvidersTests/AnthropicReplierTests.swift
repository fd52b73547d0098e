import AsyncHTTPClient
import Foundation
import InMemoryLogging
import Logging
import NIOCore
import NIOHTTP1
import Testing
import WAGateConversation
import WAGateCore

@testable import WAGateProviders

@Suite struct AnthropicReplierTests {
    static let messageBody = """
        {"id":"msg_01","type":"message","role":"assistant","model":"claude-test",\
        "content":[{"type":"text","text":"Hello from "},{"type":"text","text":"Claude"}],\
        "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":20,"output_tokens":4}}
        """

    /// A real-shaped event stream: ping, unknown event, two text deltas (one with multi-byte characters).
    static let eventStream = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","content":[],"model":"claude-test","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":20,"output_tokens":1}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: ping
        data: {"type": "ping"}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

        event: some_future_event
        data: {"type":"some_future_event"}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" wörld 👋"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":6}}

        event: message_stop
        data: {"type":"message_stop"}


        """

    static let overloaded = #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#
    static let sseHeaders = [("content-type", "text/event-stream; charset=utf-8")]

    private func replier(
        _ server: TestHTTPServer, client: HTTPClient, streaming: Bool, maxRetries: Int = 2, timeout: Duration = .seconds(10),
        sleeps: SleepRecorder = SleepRecorder(), logs: InMemoryLogHandler = InMemoryLogHandler()
    ) -> AnthropicReplier {
        let configuration = AnthropicReplier.Configuration(
            apiKey: Fixtures.anthropicKey, baseURL: server.baseURL, model: "claude-test", maxTokens: 300, temperature: 0.5,
            requestTimeout: timeout, retry: RetryPolicy(maxRetries: maxRetries), streaming: streaming)
        var replier = AnthropicReplier(configuration: configuration, httpClient: client, logger: Fixtures.logger(logs))
        replier.sleep = sleeps.sleep
        return replier
    }

    private let request = Fixtures.request(
        history: [Fixtures.entry("hi"), Fixtures.entry("Hello! How can I help?", fromMe: true)],
        messages: [Fixtures.message("what's the weather?")])

    /// Checks what every Messages API request must carry.
    private func expectMessagesRequest(_ sent: TestHTTPServer.Request, stream: Bool) throws {
        #expect(sent.method == .POST)
        #expect(sent.uri == "/v1/messages")
        #expect(sent.headers.first(name: "x-api-key") == Fixtures.anthropicKey)
        #expect(sent.headers.first(name: "anthropic-version") == "2023-06-01")
        #expect(sent.headers.first(name: "content-type") == "application/json")
        #expect(sent.headers.first(name: "authorization") == nil)
        let body = try #require(sent.json)
        #expect(body["model"] == "claude-test")
        #expect(body["max_tokens"] == 300)
        #expect(body["temperature"]?.doubleValue == 0.5)
        #expect(body["system"]?.stringValue?.hasPrefix("You are Milady, a friendly assistant.") == true)
        #expect(body["stream"] == (stream ? true : nil))
        let messages = try #require(body["messages"]?.arrayValue)
        #expect(messages.map { $0["role"]?.stringValue } == ["user", "assistant", "user"])
        #expect(messages.map { $0["content"]?.stringValue } == ["hi", "Hello! How can I help?", "what's the weather?"])
    }

    @Test func aWholeReplyIsReadFromTheTextBlocks() async throws {
        try await Fixtures.withServer([.respond(status: .ok, body: Self.messageBody)]) { server, client in
            let reply = try await replier(server, client: client, streaming: false).reply(to: request)
            #expect(reply == "Hello from Claude")
            #expect(server.requests.count == 1)
            try expectMessagesRequest(try #require(server.requests.first), stream: false)
        }
    }

    @Test func aStreamSplitAtAwkwardBytesIsReassembled() async throws {
        // CRLF line ends and 5-byte pieces split the CR from its LF, the JSON, and the multi-byte characters.
        let stream = Self.eventStream.replacingOccurrences(of: "\n", with: "\r\n")
        let answer = TestHTTPServer.Answer.stream(
            headers: Self.sseHeaders, pieces: Fixtures.pieces(stream, every: 5), pause: .milliseconds(1))
        try await Fixtures.withServer([answer]) { server, client in
            let pieces = PieceRecorder()
            let reply = try await replier(server, client: client, streaming: true).streamReply(to: request) { pieces.record($0) }
            #expect(reply == "Hello wörld 👋")
            #expect(pieces.recorded == ["Hello", " wörld 👋"])
            try expectMessagesRequest(try #require(server.requests.first), stream: true)
            #expect(server.requests.first?.headers.first(name: "accept") == "text/event-stream")
        }
    }

    @Test func rateLimitsAreRetriedAfterTheRetryAfterDelay() async throws {
        let limited = #"{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"}}"#
        try await Fixtures.withServer([
            .respond(status: .tooManyRequests, headers: [("retry-after", "2")], body: limited),
            .stream(headers: Self.sseHeaders, pieces: Fixtures.pieces(Self.eventStream, every: 64)),
        ]) { server, client in
            let sleeps = SleepRecorder()
            let reply = try await replier(server, client: client, streaming: true, sleeps: sleeps).reply(to: request)
            #expect(reply == "Hello wörld 👋")
            #expect(server.requests.count == 2)
            #expect(sleeps.recorded == [.seconds(2)])
            #expect(server.requests[0].body == server.requests[1].body)
        }
    }

    @Test func overloadAndServerErrorsAreRetriedWithBackoff() async throws {
        let failed = #"{"type":"error","error":{"type":"api_error","message":"Internal server error"}}"#
        try await Fixtures.withServer([
            .respond(status: HTTPResponseStatus(statusCode: 529), body: Self.overloaded),
            .respond(status: .internalServerError, body: failed),
            .respond(status: .ok, body: Self.messageBody),
        ]) { server, client in
            let sleeps = SleepRecorder()
            let reply = try await replier(server, client: client, streaming: false, sleeps: sleeps).reply(to: request)
            #expect(reply == "Hello from Claude")
            #expect(server.requests.count == 3)
            #expect(sleeps.recorded.count == 2)
            #expect(sleeps.recorded.allSatisfy { $0 > .zero && $0 <= .seconds(8) })
        }
    }

    @Test func retriesAreBoundedAndTheLastErrorIsReported() async throws {
        try await Fixtures.withServer([.respond(status: HTTPResponseStatus(statusCode: 529), body: Self.overloaded)]) { server, client in
            let replier = replier(server, client: client, streaming: false, maxRetries: 3)
            let error = await #expect(throws: ProviderError.self) { try await replier.reply(to: request) }
            #expect(server.requests.count == 4)
            #expect(error?.code == .overloaded)
            #expect(error?.description == "Anthropic is overloaded (529 overloaded_error): Overloaded (gave up after 4 attempts)")
        }
    }

    @Test func aRejectedKeyFailsAtOnceWithoutShowingTheKey() async throws {
        let body = #"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key \#(Fixtures.anthropicKey)"}}"#
        try await Fixtures.withServer([.respond(status: .unauthorized, body: body)]) { server, client in
            let replier = replier(server, client: client, streaming: true)
            let error = await #expect(throws: ProviderError.self) { try await replier.reply(to: request) }
            #expect(server.requests.count == 1)
            #expect(error?.code == .authentication)
            #expect(error?.status == 401)
            let text = try #require(error?.description)
            #expect(text.hasPrefix("Anthropic rejected the API key (401 authentication_error): invalid x-api-key"))
            #expect(text.hasSuffix("check ANTHROPIC_API_KEY"))
            #expect(!text.contains("TESTKEY"))
        }
    }

    @Test func badRequestsAreNotRetried() async throws {
        let invalid = #"{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: must be greater than 0"}}"#
        let missing = #"{"type":"error","error":{"type":"not_found_error","message":"model: claude-test"}}"#
        try await Fixtures.withServer([
            .respond(status: .badRequest, body: invalid), .respond(status: .notFound, body: missing),
        ]) { server, client in
            let replier = replier(server, client: client, streaming: false)
            let first = await #expect(throws: ProviderError.self) { try await replier.reply(to: request) }
            #expect(first?.code == .badRequest)
            #expect(first?.description == "Anthropic rejected the request (400 invalid_request_error): max_tokens: must be greater than 0")
            let second = await #expect(throws: ProviderError.self) { try await replier.reply(to: request) }
            #expect(second?.code == .notFound)
            #expect(second?.description.contains("no model \"claude-test\" or no API at \(server.baseURL)/v1/messages") == true)
            #expect(server.requests.count == 2)
        }
    }

    @Test func aMalformedBodyIsAClearError() async throws {
        let page = TestHTTPServer.Answer.respond(status: .ok, headers: [("content-type", "text/html")], body: "<html>Bad gateway page</html>")
        try await Fixtures.withServer([page]) { server, client in
            let replier = replier(server, client: client, streaming: false)
            let error = await #expect(throws: ProviderError.self) { try await replier.reply(to: request) }
            #expect(error?.code == .malformedResponse)
            #expect(error?.description == "Anthropic answered with something that is not a Messages API reply: <html>Bad gateway page</html>")
            #expect(server.requests.count == 1)
        }
    }

    @Test func aSilentServerTimesOut() async throws {
        try await Fixtures.withServer([.hang]) { server, client in
            let sleeps = SleepRecorder()
            let replier = replier(server, client: client, streaming: true, maxRetries: 1, timeout: .milliseconds(1500), sleeps: sleeps)
            let error = await #expect(throws: ProviderError.self) { try await replier.reply(to: request) }
            #expect(error?.code == .timeout)
            #expect(error?.description.hasPrefix("Anthropic did not answer within 1.5 s") == true)
            // A timeout is retried once (maxRetries 1): one backoff sleep between two attempts. (Whether
            // the second attempt reached the server before its own timeout depends on the machine's load.)
            #expect(sleeps.recorded.count == 1)
            #expect(server.requests.count >= 1)
        }
    }

    @Test func aStreamThatStallsMidwayTimesOut() async throws {
        let start = Fixtures.pieces(Self.eventStream, every: 200)
        let stalling = TestHTTPServer.Answer.stream(headers: Self.sseHeaders, pieces: [start[0], start[1]], pause: .seconds(30))
        try await Fixtures.withServer([stalling]) { server, client in
            let replier = replier(server, client: client, streaming: true, maxRetries: 0, timeout: .milliseconds(400))
            let error = await #expect(throws: ProviderError.self) { try await replier.reply(to: request) }
            #expect(error?.code == .timeout)
        }
    }

    @Test func anErrorEventBeforeAnyTextIsRetriedButAfterTextItIsFinal() async throws {
        let failing = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\n"
            + "event: error\ndata: \(Self.overloaded)\n\n"
        let partial =
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n"
            + "event: error\ndata: \(Self.overloaded)\n\n"
        try await Fixtures.withServer([
            .stream(headers: Self.sseHeaders, pieces: [Array(failing.utf8)]),
            .stream(headers: Self.sseHeaders, pieces: [Array(Self.eventStream.utf8)]),
            .stream(headers: Self.sseHeaders, pieces: [Array(partial.utf8)]),
        ]) { server, client in
            let replier = replier(server, client: client, streaming: true)
            let first = try await replier.reply(to: request)
            #expect(first == "Hello wörld 👋")
            #expect(server.requests.count == 2)
            let pieces = PieceRecorder()
            let error = await #expect(throws: ProviderError.self) {
                try await replier.streamReply(to: request) { pieces.record($0) }
            }
            #expect(error?.code == .streamInterrupted)
            #expect(error?.description.contains("Overloaded") == true)
            #expect(pieces.recorded == ["Hel"])
            #expect(server.requests.count == 3)
        }
    }

    @Test func aStreamCutBeforeMessageStopIsNotAReply() async throws {
        let cut = try #require(Self.eventStream.components(separatedBy: "event: message_stop").first)
        try await Fixtures.withServer([.stream(headers: Self.sseHeaders, pieces: [Array(cut.utf8)])]) { server, client in
            let replier = replier(server, client: client, streaming: true, maxRetries: 0)
            let error = await #expect(throws: ProviderError.self) { try await replier.reply(to: request) }
            #expect(error?.code == .transport)
            #expect(error?.description == "Anthropic's stream ended before message_stop (13 characters received)")
        }
    }

    @Test func aCallbackFailureStopsTheReplyUnchanged() async throws {
        struct SendFailed: Error {}
        try await Fixtures.withServer([.stream(headers: Self.sseHeaders, pieces: [Array(Self.eventStream.utf8)])]) { server, client in
            let replier = replier(server, client: client, streaming: true)
            await #expect(throws: SendFailed.self) {
                try await replier.streamReply(to: request) { _ in throw SendFailed() }
            }
            #expect(server.requests.count == 1)
        }
    }

    @Test func blocksArriveAsTheyComplete() async throws {
        let paragraphs = ["First paragraph of the answer.", "Second paragraph, also complete.", "Last one."]
        let deltas = paragraphs.joined(separator: "\n\n").map(String.init).map { piece -> String in
            let escaped = piece == "\n" ? "\\n" : piece
            return "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"\(escaped)\"}}\n\n"
        }.joined()
        let stream = deltas + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
        try await Fixtures.withServer([.stream(headers: Self.sseHeaders, pieces: Fixtures.pieces(stream, every: 300))]) { server, client in
            let blocks = PieceRecorder()
            let reply = try await replier(server, client: client, streaming: true).streamReplyBlocks(
                to: request, coalescer: ReplyBlockCoalescer(minimumCharacters: 10, maximumCharacters: 100)
            ) { blocks.record($0) }
            #expect(blocks.recorded == paragraphs)
            #expect(reply == paragraphs.joined(separator: "\n\n"))
        }
    }

    @Test func logsNameRetriesAndCutRepliesButNeverTheKeyOrTheText() async throws {
        let cut = Self.messageBody.replacingOccurrences(of: "end_turn", with: "max_tokens")
        let limited = #"{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}"#
        try await Fixtures.withServer([
            .respond(status: .tooManyRequests, headers: [("retry-after", "1")], body: limited), .respond(status: .ok, body: cut),
        ]) { server, client in
            let logs = InMemoryLogHandler()
            let reply = try await replier(server, client: client, streaming: false, logs: logs).reply(to: request)
            #expect(reply == "Hello from Claude")
            let entries = logs.entries
            #expect(entries.map(\.level) == [.warning, .warning])
            #expect(entries.first?.message == "model request failed; retrying")
            #expect(entries.first?.metadata["http.status"] == "429")
            #expect(entries.first?.metadata["agent"] == "milady")
            #expect(entries.first?.metadata["provider"] == "anthropic")
            #expect(entries.last?.message.description.contains("max_tokens") == true)
            let everything = entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
            for secret in [Fixtures.anthropicKey, "weather", "Hello from"] { #expect(!everything.contains(secret)) }
        }
    }
}
