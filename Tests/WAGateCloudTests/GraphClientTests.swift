import Foundation
import Logging
import Testing
import WAGateTestSupport
import WAGateCloud
import WAGateCore

/// The Graph client against a local server playing the Graph API: request shapes checked against
/// Meta's own examples (`meta-openapi/send-message-examples.json`), answers and error bodies replayed.
@Suite struct GraphClientTests {
    static let phoneNumberID = "106540352242922"
    static let token = "EAAG-test-token"
    static let to = GraphRecipient.phoneNumber("{{Recipient-Phone-Number}}")
    static let okAnswer = #"{"messaging_product":"whatsapp","contacts":[{"input":"16505551234","wa_id":"16505551234"}],"messages":[{"id":"wamid.SENT"}]}"#

    static func client(_ baseURL: String, version: String = "v25.0", timeout: Duration = .seconds(10)) -> GraphClient {
        var logger = Logger(label: "graph-test")
        logger.logLevel = .critical
        return GraphClient(
            phoneNumberID: phoneNumberID, accessToken: token,
            configuration: GraphClientConfiguration(baseURL: baseURL, version: version, requestTimeout: timeout),
            logger: logger)
    }

    // MARK: - Request shapes

    /// How a request example of Meta's is produced by the client, or why the client does not build it.
    enum ExampleUse: Sendable {
        /// The call; `defaults` are members Meta's example leaves to their defaults and the client
        /// always writes.
        case built(defaults: [String: JSONValue] = [:], call: @Sendable (GraphClient) async throws -> Void)
        case notBuilt(String)
    }

    static let notYet = "templates, interactive, location and contact messages are not sent by the gateway yet"

    static let requestExamples: [String: ExampleUse] = [
        "Send Text Message": .built { _ = try await $0.sendText("text-message-content", to: to) },
        "Send Text Message with Preview URL": .built(defaults: ["recipient_type": "individual", "type": "text"]) {
            _ = try await $0.sendText("Please visit https://youtu.be/hpltvTEiRrY.", to: to, previewURL: true)
        },
        "Send Reply to Text Message": .built {
            _ = try await $0.sendText("<TEXT_MSG_CONTENT>", to: to, replyTo: "<MSGID_OF_PREV_MSG>")
        },
        "Send Reply with Reaction Message": .built {
            _ = try await $0.sendReaction("😀", to: "wamid.HBgLM...", recipient: to)
        },
        "Send Image Message by ID": .built { _ = try await $0.sendMedia(.init(kind: .image, source: .id("<IMAGE_OBJECT_ID>")), to: to) },
        "Send Image Message by URL": .built {
            _ = try await $0.sendMedia(.init(kind: .image, source: .link("http(s)://image-url")), to: to)
        },
        "Send Audio Message by ID": .built { _ = try await $0.sendMedia(.init(kind: .audio, source: .id("<AUDIO_OBJECT_ID>")), to: to) },
        "Send Audio Message by URL": .built {
            _ = try await $0.sendMedia(.init(kind: .audio, source: .link("<http(s)://audio-url>")), to: to)
        },
        "Send Document Message by ID": .built {
            _ = try await $0.sendMedia(
                .init(kind: .document, source: .id("<DOCUMENT_OBJECT_ID>"), caption: "<DOCUMENT_CAPTION_TO_SEND>",
                      fileName: "<DOCUMENT_FILENAME>"), to: to)
        },
        "Send Document Message by URL": .built {
            _ = try await $0.sendMedia(
                .init(kind: .document, source: .link("<http(s)://document-url>"), caption: "<DOCUMENT-CAPTION-TEXT>"), to: to)
        },
        "Send Sticker Message by ID": .built { _ = try await $0.sendMedia(.init(kind: .sticker, source: .id("<MEDIA_OBJECT_ID>")), to: to) },
        "Send Sticker Message by URL": .built {
            _ = try await $0.sendMedia(.init(kind: .sticker, source: .link("<http(s)://sticker-url>")), to: to)
        },
        "Send Video Message by ID": .built {
            _ = try await $0.sendMedia(.init(kind: .video, source: .id("<VIDEO_OBJECT_ID>"), caption: "<VIDEO_CAPTION_TEXT>"), to: to)
        },
        "Send Video Message by URL": .built {
            _ = try await $0.sendMedia(
                .init(kind: .video, source: .link("<http(s)://video-url>"), caption: "<VIDEO_CAPTION_TEXT>"), to: to)
        },
        "Send Reply to Audio Message by ID": .built {
            _ = try await $0.sendMedia(
                .init(kind: .audio, source: .id("<AUDIO_OBJECT_ID>")), to: to, replyTo: "<MSGID_OF_MSG_YOU_ARE_REPLYING_TO>")
        },
        "Send Reply to Audio Message by URL": .built {
            _ = try await $0.sendMedia(
                .init(kind: .audio, source: .link("http(s)://audio-url")), to: to, replyTo: "<MSGID_OF_MSG_YOU_ARE_REPLYING_TO>")
        },
        "Send Reply to Document Message by ID": .built {
            _ = try await $0.sendMedia(
                .init(kind: .document, source: .id("<DOCUMENT_OBJECT_ID>"), caption: "<DOCUMENT_CAPTION_TO_SEND>",
                      fileName: "<DOCUMENT_FILENAME>"), to: to, replyTo: "<MSGID_OF_MSG_YOU_ARE_REPLYING_TO>")
        },
        "Send Reply to Document Message by URL": .built {
            _ = try await $0.sendMedia(
                .init(kind: .document, source: .link("<http(s)://document-url>"), caption: "<DOCUMENT_CAPTION_TEXT>"), to: to,
                replyTo: "<MSGID_OF_MSG_YOU_ARE_REPLYING_TO>")
        },
        "Send Reply to Image Message by ID": .built {
            _ = try await $0.sendMedia(.init(kind: .image, source: .id("<IMAGE_OBJECT_ID>")), to: to, replyTo: "<MSGID_OF_PREV_MSG>")
        },
        "Send Reply to Image Message by URL": .built {
            _ = try await $0.sendMedia(.init(kind: .image, source: .link("http(s)://image-url")), to: to, replyTo: "<MSGID_OF_PREV_MSG>")
        },
        "Send Reply to Sticker Message by ID": .built {
            _ = try await $0.sendMedia(
                .init(kind: .sticker, source: .id("<MEDIA_OBJECT_ID>")), to: to, replyTo: "<MSGID_OF_MSG_YOU_ARE_REPLYING_TO>")
        },
        "Send Reply to Sticker Message by URL": .built {
            _ = try await $0.sendMedia(
                .init(kind: .sticker, source: .link("<http(s)://sticker-url>")), to: to,
                replyTo: "<MSGID_OF_MSG_YOU_ARE_REPLYING_TO>")
        },
        "Send Reply to Video Message by ID": .built {
            _ = try await $0.sendMedia(
                .init(kind: .video, source: .id("<VIDEO_OBJECT_ID>"), caption: "<VIDEO_CAPTION_TEXT>"), to: to,
                replyTo: "<MSGID_OF_MSG_YOU_ARE_REPLYING_TO>")
        },
        "Send Reply to Video Message by URL": .built {
            _ = try await $0.sendMedia(
                .init(kind: .video, source: .link("<http(s)://video-url>"), caption: "<VIDEO_CAPTION_TEXT>"), to: to,
                replyTo: "<MSGID_OF_MSG_YOU_ARE_REPLYING_TO>")
        },
        "Send typing indicator and read receipt": .built {
            try await $0.showTypingIndicator(replyingTo: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUYzMjEzNDM2RTZGQ0MzMDJBRgA=")
        },
        "Send Catalog Message": .notBuilt(notYet),
        "Send Catalog Template Message": .notBuilt(notYet),
        "Send Contact Message": .notBuilt(notYet),
        "Send Draft Flow by ID": .notBuilt(notYet),
        "Send Draft Flow by Name": .notBuilt(notYet),
        "Send Flow Template Message": .notBuilt(notYet),
        "Send List Message": .notBuilt(notYet),
        "Send Location Message": .notBuilt(notYet),
        "Send Message Template Interactive": .notBuilt(notYet),
        "Send Message Template Media": .notBuilt(notYet),
        "Send Message Template Text": .notBuilt(notYet),
        "Send Multi-Product Message": .notBuilt(notYet),
        "Send Order Details Message": .notBuilt(notYet),
        "Send Order Status Message": .notBuilt(notYet),
        "Send Published Flow by ID": .notBuilt(notYet),
        "Send Published Flow by Name": .notBuilt(notYet),
        "Send Reply Button": .notBuilt(notYet),
        "Send Reply to Contact Message": .notBuilt(notYet),
        "Send Reply to List Message": .notBuilt(notYet),
        "Send Reply to Location Message": .notBuilt(notYet),
        "Send Sample Issue Resolution Template": .notBuilt(notYet),
        "Send Sample Shipping Confirmation Template": .notBuilt(notYet),
        "Send Sample Text Message": .notBuilt(notYet),
        "Send Single Product Message": .notBuilt(notYet),
        "Send Test Message": .notBuilt(notYet),
    ]

    static func examples() throws -> (requests: [String: JSONValue], responses: [String: JSONValue]) {
        let json = try Fixtures.json("meta-openapi/send-message-examples.json")
        return (
            try #require(json["requests"]?.objectValue), try #require(json["responses_200"]?.objectValue)
        )
    }

    @Test func everyRequestExampleIsAccountedFor() throws {
        let requests = try Self.examples().requests
        #expect(Set(requests.keys) == Set(Self.requestExamples.keys))
        let built = Self.requestExamples.values.filter { if case .built = $0 { true } else { false } }
        #expect(built.count == 25)
    }

    @Test func requestBodiesMatchMetasExamples() async throws {
        let requests = try Self.examples().requests
        try await FakeGraphServer.with(respond: { request in
            request.json?["status"] == "read" ? .json(#"{"success":true}"#) : .json(Self.okAnswer)
        }) { server, baseURL async throws in
            let client = Self.client(baseURL)
            for (name, use) in Self.requestExamples.sorted(by: { $0.key < $1.key }) {
                guard case .built(let defaults, let call) = use else { continue }
                let before = server.requests.count
                try await call(client)
                let sent = try #require(server.requests.last, "\(name): no request")
                #expect(server.requests.count == before + 1, "\(name)")
                #expect(sent.method == "POST", "\(name)")
                #expect(sent.path == "/v25.0/\(Self.phoneNumberID)/messages", "\(name)")
                #expect(sent.authorization == "Bearer \(Self.token)", "\(name)")
                #expect(sent.contentType == "application/json", "\(name)")
                guard case .object(var expected) = try #require(requests[name]) else {
                    Issue.record("\(name): the example is not an object")
                    continue
                }
                for (key, value) in defaults { expected[key] = value }
                #expect(sent.json == .object(expected), "\(name): sent \(sent.json?.jsonString() ?? "?")")
            }
        }
    }

    @Test func everySuccessResponseExampleIsRead() async throws {
        let responses = try Self.examples().responses
        for (name, answer) in responses.sorted(by: { $0.key < $1.key }) {
            try await FakeGraphServer.with(respond: { _ in .json(answer.jsonString()) }) { _, baseURL async throws in
                let client = Self.client(baseURL)
                if let expectedID = answer["messages"]?.arrayValue?.first?["id"]?.stringValue {
                    let result = try await client.sendText("hello", to: .phoneNumber("16505551234"))
                    #expect(result.messageID == expectedID, "\(name)")
                    #expect(result.recipientWaID == answer["contacts"]?.arrayValue?.first?["wa_id"]?.stringValue, "\(name)")
                } else if answer["success"] == true {
                    try await client.markAsRead(messageID: "wamid.X")
                } else {
                    Issue.record("\(name): an answer of a shape the test does not know")
                }
            }
        }
    }

    @Test func theVersionAndBaseURLAreConfigurable() async throws {
        try await FakeGraphServer.with(respond: { _ in .json(Self.okAnswer) }) { server, baseURL async throws in
            _ = try await Self.client(baseURL + "/", version: "v23.0").sendText("hi", to: .phoneNumber("1"))
            #expect(server.requests.last?.path == "/v23.0/\(Self.phoneNumberID)/messages")
        }
    }

    @Test func markAsReadWithoutTypingHasNoIndicator() async throws {
        try await FakeGraphServer.with(respond: { _ in .json(#"{"success":true}"#) }) { server, baseURL async throws in
            try await Self.client(baseURL).markAsRead(messageID: "wamid.R")
            #expect(
                server.requests.last?.json
                    == ["messaging_product": "whatsapp", "status": "read", "message_id": "wamid.R"])
        }
    }

    @Test func reactionRemovalSendsAnEmptyEmoji() async throws {
        try await FakeGraphServer.with(respond: { _ in .json(Self.okAnswer) }) { server, baseURL async throws in
            _ = try await Self.client(baseURL).sendReaction(nil, to: "wamid.Q", recipient: .phoneNumber("1555"))
            #expect(server.requests.last?.json?["reaction"] == ["message_id": "wamid.Q", "emoji": ""])
        }
    }

    @Test func outboundMessagesGoToTheirChat() async throws {
        try await FakeGraphServer.with(respond: { _ in .json(Self.okAnswer) }) { server, baseURL async throws in
            let client = Self.client(baseURL)
            _ = try await client.send(
                OutboundMessage(chat: "15551234567@s.whatsapp.net", content: .text("hello", previewURL: true), replyTo: "wamid.P"),
                callbackData: "outbox-17")
            #expect(
                server.requests.last?.json
                    == [
                        "messaging_product": "whatsapp", "recipient_type": "individual", "to": "15551234567", "type": "text",
                        "text": ["body": "hello", "preview_url": true], "context": ["message_id": "wamid.P"],
                        "biz_opaque_callback_data": "outbox-17",
                    ])
            _ = try await client.send(OutboundMessage(chat: "US.987@bsuid", content: .reaction(messageID: "wamid.M", emoji: "👍")))
            #expect(server.requests.last?.json?["recipient"] == "US.987")
            #expect(server.requests.last?.json?["to"] == nil)
            _ = try await client.send(OutboundMessage(chat: "Y2FwaV9ncm91cDox@g.us", content: .text("all")))
            #expect(server.requests.last?.json?["recipient_type"] == "group")
            #expect(server.requests.last?.json?["to"] == "Y2FwaV9ncm91cDox")
            let error = await #expect(throws: GraphClientError.self) {
                _ = try await client.send(OutboundMessage(chat: "123@lid", content: .text("x")))
            }
            #expect(error?.code == .invalidRequest)
            #expect(server.requests.count == 3)
        }
    }

    // MARK: - Refused before sending

    @Test func textOverTheLimitIsRefusedBeforeAnyRequest() async throws {
        try await FakeGraphServer.with(respond: { _ in .json(Self.okAnswer) }) { server, baseURL async throws in
            let client = Self.client(baseURL)
            let error = await #expect(throws: GraphClientError.self) {
                _ = try await client.sendText(String(repeating: "a", count: 4097), to: .phoneNumber("1"))
            }
            #expect(error?.code == .textTooLong)
            #expect(error?.classification == .permanent)
            #expect(error?.description.contains("4097") == true)
            #expect(server.requests.isEmpty)
            // Exactly at the limit is fine; emoji count as one character each, as the chunker counts.
            _ = try await client.sendText(String(repeating: "a", count: 4096), to: .phoneNumber("1"))
            _ = try await client.sendText(String(repeating: "👍🏽", count: 4096), to: .phoneNumber("1"))
            #expect(server.requests.count == 2)
        }
    }

    @Test func captionsOnlyWhereMetaTakesThem() async throws {
        try await FakeGraphServer.with(respond: { _ in .json(Self.okAnswer) }) { server, baseURL async throws in
            let client = Self.client(baseURL)
            let error = await #expect(throws: GraphClientError.self) {
                _ = try await client.sendMedia(.init(kind: .audio, source: .id("1"), caption: "no"), to: .phoneNumber("1"))
            }
            #expect(error?.code == .invalidRequest)
            let fileName = await #expect(throws: GraphClientError.self) {
                _ = try await client.sendMedia(.init(kind: .image, source: .id("1"), fileName: "a.jpg"), to: .phoneNumber("1"))
            }
            #expect(fileName?.code == .invalidRequest)
            #expect(server.requests.isEmpty)
        }
    }

    // MARK: - Errors

    /// A Graph error body in the reference's shape.
    static func errorBody(code: Int, message: String, details: String, subcode: Int? = nil) -> String {
        let sub = subcode.map { #","error_subcode":\#($0)"# } ?? ""
        return #"{"error":{"message":"\#(message)","type":"OAuthException","code":\#(code)\#(sub),"error_data":{"messaging_product":"whatsapp","details":"\#(details)"},"fbtrace_id":"AXsgTRACE"}}"#
    }

    struct ReplayedError: Sendable {
        var body: String
        var status: Int
        var code: Int
        var expected: GraphErrorClass
        init(_ body: String, _ status: Int, _ code: Int, _ expected: GraphErrorClass) {
            (self.body, self.status, self.code, self.expected) = (body, status, code, expected)
        }
    }

    static let replayedErrors: [ReplayedError] = [
        ReplayedError(errorBody(code: 131047, message: "(#131047) Re-engagement message", details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number."), 400, 131047, .outsideCustomerServiceWindow),
        ReplayedError(errorBody(code: 130429, message: "(#130429) Rate limit hit", details: "Cloud API message throughput has been reached."), 400, 130429, .throttled(.phoneNumber)),
        ReplayedError(errorBody(code: 131056, message: "(#131056) (Business Account, Consumer Account) pair rate limit hit", details: "Too many messages sent from the sender phone number to the same recipient phone number in a short period of time."), 429, 131056, .throttled(.recipient)),
        ReplayedError(errorBody(code: 190, message: "Error validating access token: Session has expired", details: "token expired", subcode: 463), 401, 190, .credentialsInvalid),
        ReplayedError(errorBody(code: 131026, message: "(#131026) Message undeliverable", details: "Unable to deliver message."), 400, 131026, .permanent),
        ReplayedError(errorBody(code: 80007, message: "(#80007) Rate limit issues", details: "WABA rate limit"), 400, 80007, .throttled(.businessAccount)),
        ReplayedError(errorBody(code: 131000, message: "(#131000) Something went wrong", details: "Something went wrong"), 500, 131000, .transient),
    ]

    @Test(arguments: replayedErrors)
    func replayedErrorBodiesAreParsedAndClassified(_ replay: ReplayedError) async throws {
        let (body, status, code, expected) = (replay.body, replay.status, replay.code, replay.expected)
        try await FakeGraphServer.with(respond: { _ in .json(body, status: status) }) { _, baseURL async throws in
            let error = await #expect(throws: GraphClientError.self) {
                _ = try await Self.client(baseURL).sendText("hi", to: .phoneNumber("1"))
            }
            #expect(error?.code == .api)
            #expect(error?.apiError?.code == code)
            #expect(error?.apiError?.type == "OAuthException")
            #expect(error?.apiError?.fbtraceID == "AXsgTRACE")
            #expect(error?.apiError?.details?.isEmpty == false)
            #expect(error?.httpStatus == status)
            #expect(error?.classification == expected)
            #expect(error?.description.contains(Self.token) == false)
        }
    }

    struct FixtureError: Sendable {
        var file: String
        var code: Int
        var subcode: Int?
        var type: String
        var trace: String
        var transient: Bool?
        var expected: GraphErrorClass
    }

    static let fixtureErrors = [
        FixtureError(
            file: "phoneNumberNotFoundError.json", code: 100, subcode: 33, type: "GraphMethodException",
            trace: "AeadGx6xI8M9EVqcy11ynej", transient: nil, expected: .permanent),
        FixtureError(
            file: "requestCodeError.json", code: 136024, subcode: 2388091, type: "OAuthException",
            trace: "Aayh7_x-pxzNlCVeeb3IxXU", transient: false, expected: .permanent),
        FixtureError(
            file: "verifyCodeError.json", code: 136025, subcode: 2388093, type: "OAuthException",
            trace: "AlUVfPbGecEVqld9CAPMk53", transient: false, expected: .permanent),
    ]

    @Test(arguments: fixtureErrors)
    func fixtureErrorBodiesAreParsed(_ fixture: FixtureError) async throws {
        let (file, code, subcode, type, trace, transient, expected) = (
            fixture.file, fixture.code, fixture.subcode, fixture.type, fixture.trace, fixture.transient, fixture.expected
        )
        let body = try Fixtures.bytes("whatsapp-business-java-api/src/test/resources/phone/\(file)")
        let parsed = try #require(GraphAPIError(responseBody: body, httpStatus: 400))
        #expect(parsed.code == code)
        #expect(parsed.subcode == subcode)
        #expect(parsed.type == type)
        #expect(parsed.fbtraceID == trace)
        #expect(parsed.isTransient == transient)
        #expect(!parsed.message.isEmpty)
        #expect(parsed.classification == expected)
        try await FakeGraphServer.with(respond: { _ in FakeGraphServer.Reply(status: 400, body: body) }) { _, baseURL async throws in
            let error = await #expect(throws: GraphClientError.self) {
                try await Self.client(baseURL).markAsRead(messageID: "wamid.X")
            }
            #expect(error?.apiError == parsed)
        }
    }

    @Test func aServerErrorWithoutABodyIsTransient() async throws {
        try await FakeGraphServer.with(respond: { _ in FakeGraphServer.Reply(status: 502, body: Array("<html>bad gateway</html>".utf8)) }) {
            _, baseURL in
            let error = await #expect(throws: GraphClientError.self) {
                _ = try await Self.client(baseURL).sendText("hi", to: .phoneNumber("1"))
            }
            #expect(error?.code == .httpStatus)
            #expect(error?.httpStatus == 502)
            #expect(error?.classification == .transient)
        }
    }

    @Test func aSuccessWithoutAMessageIDIsAnInvalidResponse() async throws {
        try await FakeGraphServer.with(respond: { _ in .json(#"{"messages":[]}"#) }) { _, baseURL async throws in
            let error = await #expect(throws: GraphClientError.self) {
                _ = try await Self.client(baseURL).sendText("hi", to: .phoneNumber("1"))
            }
            #expect(error?.code == .invalidResponse)
        }
    }

    @Test func anUnreachableServerIsATransientTransportError() async throws {
        // A port that was just listening and is closed now.
        let closedPort = try await FakeGraphServer.with(respond: { _ in .json("{}") }) { _, baseURL in baseURL }
        let error = await #expect(throws: GraphClientError.self) {
            _ = try await Self.client(closedPort, timeout: .seconds(2)).sendText("hi", to: .phoneNumber("1"))
        }
        #expect(error?.code == .transport)
        #expect(error?.classification == .transient)
        #expect(error?.description.contains(Self.token) == false)
    }
}
