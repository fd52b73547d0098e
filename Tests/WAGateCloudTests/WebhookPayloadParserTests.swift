import Foundation
import Testing
import WAGateCloud
import WAGateCore

/// The parser beyond the fixtures: envelope errors, and odd items that must not cost the batch.
@Suite struct WebhookPayloadParserTests {
    static func parse(_ json: String) throws(WebhookPayloadError) -> CloudWebhookBatch {
        try WebhookPayloadParser().parse(Array(json.utf8), receivedAt: Date(timeIntervalSince1970: 42))
    }

    /// A `messages` change for number 111 with the given `value` members besides metadata.
    static func change(_ members: String, field: String = "messages") -> String {
        #"{"object":"whatsapp_business_account","entry":[{"id":"waba","changes":[{"field":"\#(field)","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"111"}\#(members.isEmpty ? "" : ",")\#(members)}}]}]}"#
    }

    struct BrokenEnvelope: Sendable {
        var body: String
        var code: WebhookPayloadError.Code
        var path: String
        init(_ body: String, _ code: WebhookPayloadError.Code, _ path: String) {
            (self.body, self.code, self.path) = (body, code, path)
        }
    }

    @Test(arguments: [
        BrokenEnvelope("", .invalidJSON, ""),
        BrokenEnvelope("{", .invalidJSON, ""),
        BrokenEnvelope("not json", .invalidJSON, ""),
        BrokenEnvelope("[]", .wrongEnvelope, ""),
        BrokenEnvelope(#"{"entry":[]}"#, .wrongEnvelope, "object"),
        BrokenEnvelope(#"{"object":"page","entry":[]}"#, .wrongEnvelope, "object"),
        BrokenEnvelope(#"{"object":"whatsapp_business_account"}"#, .wrongEnvelope, "entry"),
        BrokenEnvelope(#"{"object":"whatsapp_business_account","entry":{}}"#, .wrongEnvelope, "entry"),
        BrokenEnvelope(#"{"object":"whatsapp_business_account","entry":[1]}"#, .wrongEnvelope, "entry[0]"),
        BrokenEnvelope(#"{"object":"whatsapp_business_account","entry":[{"changes":{}}]}"#, .wrongEnvelope, "entry[0].changes"),
        BrokenEnvelope(#"{"object":"whatsapp_business_account","entry":[{"changes":["x"]}]}"#, .wrongEnvelope, "entry[0].changes[0]"),
    ])
    func aBrokenEnvelopeIsAnErrorNamingWhatIsWrong(_ broken: BrokenEnvelope) {
        let (body, code, path) = (broken.body, broken.code, broken.path)
        let error = #expect(throws: WebhookPayloadError.self) { try Self.parse(body) }
        #expect(error?.code == code)
        #expect(error?.path == path)
        #expect(error?.description.isEmpty == false)
    }

    @Test func anEmptyDeliveryIsAnEmptyBatch() throws {
        let batch = try Self.parse(#"{"object":"whatsapp_business_account","entry":[]}"#)
        #expect(batch == CloudWebhookBatch())
    }

    @Test func anUnknownMessageTypeIsUnsupportedAndTheRestIsKept() throws {
        let batch = try Self.parse(
            Self.change(
                #""messages":[{"from":"1555","id":"wamid.A","timestamp":"10","type":"hologram","hologram":{}},{"from":"1555","id":"wamid.B","timestamp":"11","type":"text","text":{"body":"still here"}}]"#
            ))
        let messages = try #require(batch.phoneNumber("111")).messages
        #expect(messages.map(\.content) == [.unsupported(description: "hologram"), .text("still here")])
    }

    @Test func oddItemsAreIgnoredWithAReason() throws {
        let batch = try Self.parse(
            Self.change(
                #""messages":[{"from":"1555","timestamp":"10","type":"text","text":{"body":"no id"}},"junk",{"from":"1555","id":"wamid.C","type":"text","text":{"body":"ok"}}],"statuses":[{"id":"wamid.S","status":"deleted","timestamp":"1","recipient_id":"1555"},{"id":"wamid.T","status":"sent","timestamp":"1","recipient_id":"1555"}]"#
            ))
        let number = try #require(batch.phoneNumber("111"))
        #expect(number.messages.map(\.id) == ["wamid.C"])
        // A message without a timestamp gets the time it was received.
        #expect(number.messages.first?.timestamp == Date(timeIntervalSince1970: 42))
        #expect(number.statuses.map(\.messageID) == ["wamid.T"])
        #expect(number.events.count == 3)
        #expect(number.events.allSatisfy { if case .ignored("messages", _) = $0 { true } else { false } })
    }

    @Test func anUnknownFieldIsIgnoredNotAnError() throws {
        let batch = try Self.parse(Self.change(#""something":{"new":true}"#, field: "phone_number_quality_update"))
        #expect(
            batch.phoneNumber("111")?.events
                == [.ignored(field: "phone_number_quality_update", reason: "a field the gateway does not handle")])
    }

    @Test func aChangeWithoutValueIsIgnored() throws {
        let batch = try Self.parse(
            #"{"object":"whatsapp_business_account","entry":[{"id":"waba","changes":[{"field":"messages"}]}]}"#)
        #expect(batch.businessAccounts == [
            CloudBusinessAccountBatch(
                businessAccountID: "waba", events: [.ignored(field: "messages", reason: "the change has no value object")])
        ])
    }

    @Test func changesForOneNumberAcrossEntriesLandInOneGroup() throws {
        let body = #"""
            {"object":"whatsapp_business_account","entry":[
             {"id":"w","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"111"},"messages":[{"from":"1","id":"a","timestamp":"1","type":"text","text":{"body":"1"}}]}}]},
             {"id":"w","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"222"},"messages":[{"from":"1","id":"b","timestamp":"1","type":"text","text":{"body":"2"}}]}},
                                 {"field":"messages","value":{"metadata":{"phone_number_id":"111"},"statuses":[{"id":"c","status":"read","timestamp":"1","recipient_id":"1"}]}}]}]}
            """#
        let batch = try Self.parse(body)
        #expect(batch.phoneNumbers.map(\.phoneNumberID) == ["111", "222"])
        #expect(batch.phoneNumber("111")?.messages.map(\.id) == ["a"])
        #expect(batch.phoneNumber("111")?.statuses.map(\.messageID) == ["c"])
    }

    @Test func aGroupMessageIsInTheGroupsChatFromItsAuthor() throws {
        let batch = try Self.parse(
            Self.change(
                #""contacts":[{"profile":{"name":"Ann"},"wa_id":"15551234567"}],"messages":[{"from":"15551234567","group_id":"Y2FwaV9ncm91cDox","id":"wamid.G","timestamp":"5","type":"text","text":{"body":"hi all"},"context":{"mentions":["15550001111"]}}]"#
            ))
        let message = try #require(batch.phoneNumber("111")?.messages.first)
        #expect(message.chat == "Y2FwaV9ncm91cDox@g.us")
        #expect(message.isGroup)
        #expect(message.sender.jid == "15551234567@s.whatsapp.net")
        #expect(message.sender.pushName == "Ann")
        #expect(message.context?.mentions == ["15550001111@s.whatsapp.net"])
    }

    @Test func aUserKnownOnlyByBusinessScopedIDIsAddressedByIt() throws {
        let batch = try Self.parse(
            Self.change(
                #""contacts":[{"profile":{"name":"Nick","username":"@nick"},"user_id":"US.987"}],"messages":[{"from_user_id":"US.987","id":"wamid.U","timestamp":"5","type":"text","text":{"body":"hello"}}]"#
            ))
        let message = try #require(batch.phoneNumber("111")?.messages.first)
        #expect(message.chat == "US.987@bsuid")
        #expect(message.sender.phone == nil)
        #expect(message.sender.businessScopedID == "US.987")
        #expect(GraphRecipient(chat: message.chat) == .businessScopedID("US.987"))
    }

    @Test func numericIDsAreReadAsText() throws {
        let batch = try Self.parse(
            Self.change(#""messages":[{"from":15551234567,"id":"wamid.N","timestamp":1700000000,"type":"text","text":{"body":"n"}}]"#))
        let message = try #require(batch.phoneNumber("111")?.messages.first)
        #expect(message.sender.phone == "+15551234567")
        #expect(message.timestamp == Date(timeIntervalSince1970: 1_700_000_000))
    }
}
