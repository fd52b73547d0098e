import Foundation
import SwiftProtobuf
import Testing
import WAProto

/// (c) The E2E `Message`s our code builds, read by WhatsApp's own definitions (neonize's waE2E): every
/// field equal by number, type and value; the same bytes when neonize re-serialises; and, by neonize's
/// names, the fields that carry the meaning (mentions, quotes, reactions, the device-sent wrapper, media).
@Suite struct E2EMessageInteropTests {
    @Test(arguments: SwiftBuilt.e2eMessages.map(\.name))
    func messageParsesInNeonizeWithEveryFieldEqual(name: String) async throws {
        let response = try await Neonize.response.value
        let message = try #require(SwiftBuilt.e2eMessages.first { $0.name == name }).message()
        let parsed = try response.parsed("e2e." + name)
        try expectSameFields(message, parsed.canon)
        #expect(Hex.encode(try message.serializedBytes() as [UInt8]) == parsed.reserialized)
    }

    @Test func replyWithMentionsAndQuoteReadsRightByNeonizeNames() async throws {
        let named = try await Neonize.response.value.parsed("e2e.reply").named
        let text = try #require(named["extendedTextMessage"])
        #expect(text["text"] == .string("@12025550199 @98765432109876 yes, see you there"))
        let context = try #require(text["contextInfo"])
        #expect(context["stanzaID"] == .string("3EB0C431D5A2B4E6F7A8"))
        #expect(context["participant"] == .string(SwiftBuilt.sender))
        #expect(context["remoteJID"] == .string(SwiftBuilt.group))
        #expect(context["mentionedJID"] == .array(SwiftBuilt.mentions.map(JSON.string)))
        #expect(context["quotedMessage"]?["conversation"] == .string("Are we still on for 7pm?"))
        #expect(context["expiration"] == .number(604_800))
        #expect(named["messageContextInfo"]?["messageSecret"] == .bytes(SwiftBuilt.bytes(32, seed: 7)))
        #expect(named["messageContextInfo"]?["deviceListMetadataVersion"] == .number(2))
    }

    @Test func reactionDeviceSentAndProtocolMessagesReadRightByNeonizeNames() async throws {
        let response = try await Neonize.response.value
        let reaction = try #require(try response.parsed("e2e.reaction").named["reactionMessage"])
        #expect(reaction["text"] == .string("❤️"))
        #expect(reaction["senderTimestampMS"] == .string("1767225600123"))
        #expect(reaction["key"]?["remoteJID"] == .string(SwiftBuilt.group))
        #expect(reaction["key"]?["ID"] == .string("3EB0C431D5A2B4E6F7A8"))
        #expect(reaction["key"]?["fromMe"] == .bool(false))
        #expect(reaction["key"]?["participant"] == .string(SwiftBuilt.sender))

        let deviceSent = try response.parsed("e2e.deviceSent").named
        #expect(deviceSent["deviceSentMessage"]?["destinationJID"] == .string(SwiftBuilt.chat))
        #expect(deviceSent["deviceSentMessage"]?["message"]?["conversation"] == .string("hello from wagate"))
        #expect(deviceSent["messageContextInfo"] != nil)

        let skdm = try response.parsed("e2e.senderKeyDistribution").named
        #expect(skdm["senderKeyDistributionMessage"]?["groupID"] == .string(SwiftBuilt.group))
        #expect(skdm["conversation"] == .string("hello group"))

        let revoke = try response.parsed("e2e.revoke").named["protocolMessage"]
        #expect(revoke?["type"] == .string("REVOKE"))
        #expect(revoke?["key"]?["fromMe"] == .bool(true))

        let edit = try response.parsed("e2e.edit").named["editedMessage"]?["message"]?["protocolMessage"]
        #expect(edit?["type"] == .string("MESSAGE_EDIT"))
        #expect(edit?["editedMessage"]?["conversation"] == .string("corrected text"))
        #expect(edit?["timestampMS"] == .string("1767225699000"))
    }

    @Test func mediaMessagesReadRightByNeonizeNames() async throws {
        let response = try await Neonize.response.value
        let image = try response.parsed("e2e.image").named["ephemeralMessage"]?["message"]?["imageMessage"]
        #expect(image?["caption"] == .string("the view from here"))
        #expect(image?["height"] == .number(1280))
        #expect(image?["width"] == .number(960))
        #expect(image?["fileLength"] == .string("184263"))
        #expect(image?["directPath"] == .string("/v/t62.7118-24/img.enc?ccb=11-4&oh=01_Q5&oe=68A1B2C3"))
        #expect(image?["mediaKey"] == .bytes(SwiftBuilt.bytes(32, seed: 11)))
        #expect(image?["fileEncSHA256"] == .bytes(SwiftBuilt.bytes(32, seed: 12)))

        let video = try response.parsed("e2e.video").named["viewOnceMessageV2"]?["message"]?["videoMessage"]
        #expect(video?["seconds"] == .number(42))
        #expect(video?["viewOnce"] == .bool(true))
        #expect(video?["caption"] == .string("watch once"))

        let audio = try response.parsed("e2e.audio").named["audioMessage"]
        #expect(audio?["PTT"] == .bool(true))
        #expect(audio?["seconds"] == .number(9))
        #expect(audio?["waveform"] == .bytes(SwiftBuilt.bytes(64, seed: 20)))

        let document = try response.parsed("e2e.document").named["documentWithCaptionMessage"]?["message"]?["documentMessage"]
        #expect(document?["fileName"] == .string("invoice-2026-001.pdf"))
        #expect(document?["caption"] == .string("the invoice"))
        #expect(document?["pageCount"] == .number(3))

        let sticker = try response.parsed("e2e.sticker").named["stickerMessage"]
        #expect(sticker?["mimetype"] == .string("image/webp"))
        #expect(sticker?["isAnimated"] == .bool(false))
        #expect(sticker?["fileLength"] == .string("17844"))
    }
}
