import Foundation
import SwiftProtobuf
import Testing
import WABinary
import WAProto
import WAWeb

/// The `Message` protobufs the messaging layer encrypts (the device-sent copy, the sender key
/// distribution), read by WhatsApp's own definitions (neonize); and neonize-built messages unwrapped and
/// classified by the messaging layer the way whatsmeow does.
@Suite struct MessagingPayloadInteropTests {
    @Test func theDeviceSentCopyReadsRightInNeonize() async throws {
        let parsed = try await Neonize.response.value.parsed("messaging.deviceSent")
        let message = MessagingBuilt.deviceSent()
        try expectSameFields(message, parsed.canon)
        #expect(Hex.encode(try message.serializedBytes() as [UInt8]) == parsed.reserialized)
        let named = parsed.named
        #expect(named["deviceSentMessage"]?["destinationJID"] == .string("12025550199@s.whatsapp.net"))
        #expect(
            named["deviceSentMessage"]?["message"]?["extendedTextMessage"]?["text"] == .string("@12025550199 @98765432109876 yes, see you there"))
        // The original's context info travels beside the wrapper (whatsmeow's marshalMessage).
        #expect(named["messageContextInfo"]?["messageSecret"] == .bytes(SwiftBuilt.bytes(32, seed: 7)))
    }

    @Test func theSenderKeyDistributionReadsRightInNeonize() async throws {
        #expect(MessagingBuilt.distribution.first == 0x33)
        let parsed = try await Neonize.response.value.parsed("messaging.senderKeyDistribution")
        try expectSameFields(MessagingBuilt.senderKeyDistribution(), parsed.canon)
        let named = parsed.named["senderKeyDistributionMessage"]
        #expect(named?["groupID"] == .string("120363025246125486@g.us"))
        #expect(named?["axolotlSenderKeyDistributionMessage"] == .bytes(MessagingBuilt.distribution))
    }

    @Test func neonizeBuiltMessagesUnwrapAndClassifyAsWhatsmeowDoes() async throws {
        let response = try await Neonize.response.value
        func message(_ name: String) throws -> WAE2E_Message { try WAE2E_Message(serializedBytes: try response.built(name).bytes) }

        let image = UnwrappedMessage(try message("image"))
        #expect(image.wrappers == [.ephemeral] && image.content.imageMessage.caption == "the view from here")
        #expect(try MessagePayload.mediaType(of: message("image")) == "image" && MessagePayload.stanzaType(of: message("image")) == "media")

        let video = UnwrappedMessage(try message("video"))
        #expect(video.wrappers == [.viewOnceV2] && video.isViewOnce && video.content.videoMessage.caption == "watch once")
        #expect(MessagePayload.mediaType(of: try message("video")) == "video")

        #expect(MessagePayload.mediaType(of: try message("audio")) == "ptt")
        #expect(MessagePayload.mediaType(of: try message("sticker")) == "sticker")
        #expect(MessagePayload.mediaType(of: try message("contact")) == "vcard")
        #expect(MessagePayload.mediaType(of: try message("location")) == nil)

        let document = UnwrappedMessage(try message("document"))
        #expect(document.wrappers == [.documentWithCaption] && document.content.documentMessage.fileName == "invoice-2026-001.pdf")

        let deviceSent = UnwrappedMessage(try message("deviceSent"))
        #expect(deviceSent.isDeviceSent && deviceSent.destination?.description == "12025550199@s.whatsapp.net")
        #expect(deviceSent.content.extendedTextMessage.text == "sent from my phone")

        let edit = try message("edit")
        #expect(UnwrappedMessage(edit).wrappers == [.edited])
        #expect(MessagePayload.editAttribute(of: edit) == "1")
        #expect(MessagePayload.editAttribute(of: try message("revoke")) == "7")
        #expect(MessagePayload.stanzaType(of: try message("reaction")) == "reaction")
        #expect(MessagePayload.stanzaType(of: try message("reply")) == "text")
    }
}
