import Foundation
import SwiftProtobuf
import Testing
import WABinary
import WAGateCore
import WAGateLink
import WAProto
import WASignal
import WAWeb

/// Decrypted WhatsApp Web messages in the gateway's inbound model: every content kind the issue names,
/// replies and mentions, wrappers, our own messages from another device, and what is not a chat message.
@Suite struct InboundMessageMappingTests {
    static let own = JID("15550000001:3@s.whatsapp.net")!
    static let bob = JID("15550000002:2@s.whatsapp.net")!

    static func stanza(_ attributes: Node.Attributes = [:]) throws -> IncomingMessageStanza {
        var all: Node.Attributes = [
            "id": "3EB0ID", "from": .jid(bob), "t": "1767225600", "notify": "Bob", "sender_lid": .jid(JID("88880000002@lid")!),
        ]
        for (key, value) in attributes { all[key] = value }
        return try IncomingMessageStanza(Node(tag: "message", attributes: all), ownJID: own, ownLID: nil)
    }

    static func map(_ message: WAE2E_Message, _ stanza: IncomingMessageStanza? = nil) throws -> InboundMessage? {
        let payload = DecryptedPayload(message: UnwrappedMessage(message), sender: .phoneNumber("15550000002", device: 2))
        return InboundMessage(stanza: try stanza ?? Self.stanza(), payload: payload)
    }

    @Test func aTextWithItsSender() throws {
        var message = WAE2E_Message()
        message.conversation = "hello"
        let inbound = try #require(try Self.map(message))
        #expect(inbound.id == "3EB0ID" && inbound.chat == "15550000002@s.whatsapp.net" && !inbound.fromMe)
        #expect(inbound.sender == MessageSender(jid: "15550000002@s.whatsapp.net", phone: "+15550000002", lid: "88880000002@lid", pushName: "Bob"))
        #expect(inbound.timestamp == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(inbound.content == .text("hello") && inbound.context == nil)
    }

    @Test func aReplyWithMentionsInsideAnEphemeralWrapper() throws {
        var message = WAE2E_Message()
        message.ephemeralMessage.message.extendedTextMessage.text = "@15550000001 yes"
        message.ephemeralMessage.message.extendedTextMessage.contextInfo.stanzaID = "3EB0QUOTED"
        message.ephemeralMessage.message.extendedTextMessage.contextInfo.participant = "15550000001@s.whatsapp.net"
        message.ephemeralMessage.message.extendedTextMessage.contextInfo.mentionedJid = ["15550000001@s.whatsapp.net"]
        let inbound = try #require(try Self.map(message))
        #expect(inbound.content == .text("@15550000001 yes"))
        #expect(
            inbound.context
                == MessageContext(quotedMessageID: "3EB0QUOTED", quotedSender: "15550000001@s.whatsapp.net", mentions: ["15550000001@s.whatsapp.net"]))
    }

    @Test func reactionsAndTheirRemoval() throws {
        var message = WAE2E_Message()
        message.reactionMessage.key.id = "3EB0TARGET"
        message.reactionMessage.text = "👍"
        #expect(try Self.map(message)?.content == .reaction(messageID: "3EB0TARGET", emoji: "👍"))
        message.reactionMessage.text = ""
        #expect(try Self.map(message)?.content == .reaction(messageID: "3EB0TARGET", emoji: nil))
    }

    @Test func mediaMetadata() throws {
        var image = WAE2E_Message()
        image.viewOnceMessageV2.message.imageMessage.directPath = "/v/t62/img.enc"
        image.viewOnceMessageV2.message.imageMessage.mimetype = "image/jpeg"
        image.viewOnceMessageV2.message.imageMessage.caption = "look"
        image.viewOnceMessageV2.message.imageMessage.fileSha256 = Data([1, 2, 3])
        image.viewOnceMessageV2.message.imageMessage.fileLength = 1234
        #expect(
            try Self.map(image)?.content
                == .media(
                    MediaAttachment(
                        kind: .image, location: "/v/t62/img.enc", mimeType: "image/jpeg", sha256: "AQID", caption: "look", fileLength: 1234)))

        var voice = WAE2E_Message()
        voice.audioMessage.ptt = true
        voice.audioMessage.url = "https://mmg.example/a.enc"
        #expect(try Self.map(voice)?.content == .media(MediaAttachment(kind: .voice, location: "https://mmg.example/a.enc")))
        var audio = WAE2E_Message()
        audio.audioMessage.mimetype = "audio/ogg"
        #expect(try Self.map(audio)?.content.kind == "audio")

        var video = WAE2E_Message()
        video.videoMessage.gifPlayback = true
        #expect(try Self.map(video)?.content == .media(MediaAttachment(kind: .video, animated: true)))

        var document = WAE2E_Message()
        document.documentWithCaptionMessage.message.documentMessage.fileName = "invoice.pdf"
        document.documentWithCaptionMessage.message.documentMessage.caption = "the invoice"
        document.documentWithCaptionMessage.message.documentMessage.contextInfo.isForwarded = true
        let mapped = try #require(try Self.map(document))
        #expect(mapped.content == .media(MediaAttachment(kind: .document, caption: "the invoice", fileName: "invoice.pdf")))
        #expect(mapped.context?.forwarded == true)

        var sticker = WAE2E_Message()
        sticker.stickerMessage.isAnimated = true
        sticker.stickerMessage.mimetype = "image/webp"
        #expect(try Self.map(sticker)?.content == .media(MediaAttachment(kind: .sticker, mimeType: "image/webp", animated: true)))
    }

    @Test func locationsAndContacts() throws {
        var location = WAE2E_Message()
        location.locationMessage.degreesLatitude = 48.85837
        location.locationMessage.degreesLongitude = 2.294481
        location.locationMessage.name = "Tour Eiffel"
        #expect(try Self.map(location)?.content == .location(LocationContent(latitude: 48.85837, longitude: 2.294481, name: "Tour Eiffel")))

        var contact = WAE2E_Message()
        contact.contactMessage.displayName = "Ada"
        contact.contactMessage.vcard = "BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nTEL;type=CELL;waid=15551234567:+1 555 123 4567\nEND:VCARD"
        let card = ContactCard(name: "Ada", phones: ["+1 555 123 4567"], whatsappIDs: ["15551234567"], raw: .string(contact.contactMessage.vcard))
        #expect(try Self.map(contact)?.content == .contacts([card]))
    }

    @Test func revokesEditsAndWhatIsNotAChatMessage() throws {
        var revoke = WAE2E_Message()
        revoke.protocolMessage.type = .revoke
        revoke.protocolMessage.key.id = "3EB0GONE"
        #expect(try Self.map(revoke)?.content == .revoke(messageID: "3EB0GONE"))

        var edit = WAE2E_Message()
        edit.editedMessage.message.protocolMessage.type = .messageEdit
        edit.editedMessage.message.protocolMessage.key.id = "3EB0OLD"
        edit.editedMessage.message.protocolMessage.editedMessage.conversation = "fixed"
        #expect(try Self.map(edit)?.content == .edit(messageID: "3EB0OLD", text: "fixed"))

        var history = WAE2E_Message()
        history.protocolMessage.type = .historySyncNotification
        #expect(try Self.map(history) == nil)

        var distribution = WAE2E_Message()
        distribution.senderKeyDistributionMessage.groupID = "1203@g.us"
        #expect(try Self.map(distribution) == nil)

        // A poll (field 49), unknown to wagate's definitions: kept as unsupported with its field number.
        let poll = try WAE2E_Message(serializedBytes: [0x8A, 0x03, 0x02, 0x0A, 0x00] as [UInt8])
        #expect(try Self.map(poll)?.content == .unsupported(description: "WhatsApp message with fields [49]"))
    }

    @Test func ourOwnMessageFromAnotherDeviceTakesTheDestinationAsChat() throws {
        let stanza = try Self.stanza(["from": .jid(JID("15550000001@s.whatsapp.net")!), "recipient": .jid(JID("15550000009@s.whatsapp.net")!)])
        var inner = WAE2E_Message()
        inner.conversation = "sent from my phone"
        var message = WAE2E_Message()
        message.deviceSentMessage.destinationJid = "15550000002@s.whatsapp.net"
        message.deviceSentMessage.message = inner
        let inbound = try #require(try Self.map(message, stanza))
        #expect(inbound.fromMe && inbound.chat == "15550000002@s.whatsapp.net" && inbound.content == .text("sent from my phone"))
    }
}
