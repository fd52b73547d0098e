import Foundation
import SwiftProtobuf
import WAProto
import WAWeb

/// Messages built with our generated code, with the values wa-md-protocol.md §2 and §5.6 describe.
/// neonize parses all of them in the suite's one Python run (`Neonize.response`).
enum SwiftBuilt {
    /// Deterministic stand-ins for keys and signatures (the tests are about encoding, not cryptography).
    static func bytes(_ count: Int, seed: UInt8) -> Data {
        Data((0..<count).map { UInt8(truncatingIfNeeded: Int(seed) &* 31 &+ $0 &* 7) })
    }

    static let appVersion = (primary: UInt32(2), secondary: UInt32(3000), tertiary: UInt32(1_045_649_367))
    static let versionString = "2.3000.1045649367"
    /// MD5("2.3000.1045649367"); neonize_peer.py computes it independently (`facts`).
    static let buildHash = Data(Hex.decode("9fa53af9421567b114e33c9bb1ef7db2"))
    static let registrationID: UInt32 = 0x1A2B_3C4D
    static let signedPreKeyID: UInt32 = 1

    /// The production builders (`WAWeb.ClientPayloads`) with the values above: the interop tests check
    /// what the gateway really sends, with deterministic keys.
    static let identity = ClientIdentity(version: appVersion)

    static func deviceProps() -> WACompanionReg_DeviceProps { ClientPayloads.deviceProps(identity) }

    /// §2.1: a new device. No username or device; passive and pull false; the registration data.
    static func registrationPayload() throws -> WA6_ClientPayload {
        try ClientPayloads.registration(
            registrationID: registrationID, identityPublicKey: Array(bytes(32, seed: 1)), signedPreKeyID: signedPreKeyID,
            signedPreKeyPublicKey: Array(bytes(32, seed: 2)), signedPreKeySignature: Array(bytes(64, seed: 3)), identity: identity)
    }

    static let username: UInt64 = 12_025_550_123
    static let deviceID: UInt32 = 7

    /// §2.2: a paired device. Username and device from the stored JID; passive and pull true.
    static func loginPayload() -> WA6_ClientPayload {
        ClientPayloads.login(username: username, device: deviceID, pushName: "wagate ✓", identity: identity)
    }

    static func clientHello() -> WA6_HandshakeMessage {
        var message = WA6_HandshakeMessage()
        message.clientHello.ephemeral = bytes(32, seed: 4)
        return message
    }

    static func clientFinish() throws -> WA6_HandshakeMessage {
        var message = WA6_HandshakeMessage()
        message.clientFinish.static = bytes(48, seed: 5)
        message.clientFinish.payload = try loginPayload().serializedBytes() + bytes(16, seed: 6)
        return message
    }

    // MARK: E2E messages (§5.6)

    static let chat = "12025550199@s.whatsapp.net"
    static let group = "120363025246125486@g.us"
    static let sender = "12025550111@s.whatsapp.net"
    static let mentions = ["12025550199@s.whatsapp.net", "98765432109876@lid"]

    static func key(_ remoteJid: String, fromMe: Bool, id: String, participant: String? = nil) -> WACommon_MessageKey {
        var key = WACommon_MessageKey()
        key.remoteJid = remoteJid
        key.fromMe = fromMe
        key.id = id
        if let participant { key.participant = participant }
        return key
    }

    static func contextInfo() -> WAE2E_MessageContextInfo {
        var info = WAE2E_MessageContextInfo()
        info.messageSecret = bytes(32, seed: 7)
        info.deviceListMetadataVersion = 2
        return info
    }

    /// A group reply quoting a message and mentioning two members.
    static func reply() -> WAE2E_Message {
        var context = WAE2E_ContextInfo()
        context.stanzaID = "3EB0C431D5A2B4E6F7A8"
        context.participant = sender
        context.quotedMessage.conversation = "Are we still on for 7pm?"
        context.remoteJid = group
        context.mentionedJid = mentions
        context.expiration = 604_800
        var message = WAE2E_Message()
        message.extendedTextMessage.text = "@12025550199 @98765432109876 yes, see you there"
        message.extendedTextMessage.contextInfo = context
        message.messageContextInfo = contextInfo()
        return message
    }

    static func reaction() -> WAE2E_Message {
        var message = WAE2E_Message()
        message.reactionMessage.key = key(group, fromMe: false, id: "3EB0C431D5A2B4E6F7A8", participant: sender)
        message.reactionMessage.text = "❤️"
        message.reactionMessage.senderTimestampMs = 1_767_225_600_123
        return message
    }

    /// The copy of a 1:1 text for our own other devices.
    static func deviceSent() -> WAE2E_Message {
        var inner = WAE2E_Message()
        inner.conversation = "hello from wagate"
        var message = WAE2E_Message()
        message.deviceSentMessage.destinationJid = chat
        message.deviceSentMessage.message = inner
        message.messageContextInfo = contextInfo()
        return message
    }

    /// A group fan-out copy: the sender key distribution plus the text.
    static func senderKeyDistribution() -> WAE2E_Message {
        var message = WAE2E_Message()
        message.senderKeyDistributionMessage.groupID = group
        message.senderKeyDistributionMessage.axolotlSenderKeyDistributionMessage = Data([0x33]) + bytes(70, seed: 8)
        message.conversation = "hello group"
        message.messageContextInfo = contextInfo()
        return message
    }

    static func revoke() -> WAE2E_Message {
        var message = WAE2E_Message()
        message.protocolMessage.key = key(chat, fromMe: true, id: "3EB0AAAAAAAAAAAAAAAA")
        message.protocolMessage.type = .revoke
        return message
    }

    /// An edit as WhatsApp sends it: editedMessage{ message{ protocolMessage{ MESSAGE_EDIT } } }.
    static func edit() -> WAE2E_Message {
        var protocolMessage = WAE2E_ProtocolMessage()
        protocolMessage.key = key(chat, fromMe: true, id: "3EB0BBBBBBBBBBBBBBBB")
        protocolMessage.type = .messageEdit
        protocolMessage.editedMessage.conversation = "corrected text"
        protocolMessage.timestampMs = 1_767_225_699_000
        var message = WAE2E_Message()
        message.editedMessage.message.protocolMessage = protocolMessage
        return message
    }

    static func image() -> WAE2E_Message {
        var image = WAE2E_ImageMessage()
        image.url = "https://mmg.whatsapp.net/v/t62.7118-24/img.enc?ccb=11-4"
        image.mimetype = "image/jpeg"
        image.caption = "the view from here"
        image.fileSha256 = bytes(32, seed: 10)
        image.fileLength = 184_263
        image.height = 1280
        image.width = 960
        image.mediaKey = bytes(32, seed: 11)
        image.fileEncSha256 = bytes(32, seed: 12)
        image.directPath = "/v/t62.7118-24/img.enc?ccb=11-4&oh=01_Q5&oe=68A1B2C3"
        image.mediaKeyTimestamp = 1_767_225_600
        image.jpegThumbnail = Data([0xFF, 0xD8, 0xFF, 0xE0])
        image.contextInfo.expiration = 604_800
        var message = WAE2E_Message()
        message.ephemeralMessage.message.imageMessage = image
        return message
    }

    static func video() -> WAE2E_Message {
        var video = WAE2E_VideoMessage()
        video.url = "https://mmg.whatsapp.net/v/t62.7161-24/vid.enc"
        video.mimetype = "video/mp4"
        video.fileSha256 = bytes(32, seed: 13)
        video.fileLength = 3_145_728
        video.seconds = 42
        video.mediaKey = bytes(32, seed: 14)
        video.caption = "watch once"
        video.gifPlayback = false
        video.height = 720
        video.width = 1280
        video.fileEncSha256 = bytes(32, seed: 15)
        video.directPath = "/v/t62.7161-24/vid.enc"
        video.mediaKeyTimestamp = 1_767_225_601
        video.streamingSidecar = bytes(10, seed: 16)
        video.viewOnce = true
        var message = WAE2E_Message()
        message.viewOnceMessageV2.message.videoMessage = video
        return message
    }

    static func audio() -> WAE2E_Message {
        var audio = WAE2E_AudioMessage()
        audio.url = "https://mmg.whatsapp.net/v/t62.7117-24/aud.enc"
        audio.mimetype = "audio/ogg; codecs=opus"
        audio.fileSha256 = bytes(32, seed: 17)
        audio.fileLength = 23_456
        audio.seconds = 9
        audio.ptt = true
        audio.mediaKey = bytes(32, seed: 18)
        audio.fileEncSha256 = bytes(32, seed: 19)
        audio.directPath = "/v/t62.7117-24/aud.enc"
        audio.mediaKeyTimestamp = 1_767_225_602
        audio.waveform = bytes(64, seed: 20)
        var message = WAE2E_Message()
        message.audioMessage = audio
        return message
    }

    static func document() -> WAE2E_Message {
        var document = WAE2E_DocumentMessage()
        document.url = "https://mmg.whatsapp.net/v/t62.7119-24/doc.enc"
        document.mimetype = "application/pdf"
        document.title = "Invoice 2026-001"
        document.fileSha256 = bytes(32, seed: 21)
        document.fileLength = 99_812
        document.pageCount = 3
        document.mediaKey = bytes(32, seed: 22)
        document.fileName = "invoice-2026-001.pdf"
        document.fileEncSha256 = bytes(32, seed: 23)
        document.directPath = "/v/t62.7119-24/doc.enc"
        document.mediaKeyTimestamp = 1_767_225_603
        document.caption = "the invoice"
        var message = WAE2E_Message()
        message.documentWithCaptionMessage.message.documentMessage = document
        return message
    }

    static func sticker() -> WAE2E_Message {
        var sticker = WAE2E_StickerMessage()
        sticker.url = "https://mmg.whatsapp.net/v/t62.15575-24/stk.enc"
        sticker.fileSha256 = bytes(32, seed: 24)
        sticker.fileEncSha256 = bytes(32, seed: 25)
        sticker.mediaKey = bytes(32, seed: 26)
        sticker.mimetype = "image/webp"
        sticker.height = 512
        sticker.width = 512
        sticker.directPath = "/v/t62.15575-24/stk.enc"
        sticker.fileLength = 17_844
        sticker.mediaKeyTimestamp = 1_767_225_604
        sticker.isAnimated = false
        var message = WAE2E_Message()
        message.stickerMessage = sticker
        return message
    }

    static let e2eMessages: [(name: String, message: @Sendable () -> WAE2E_Message)] = [
        ("reply", reply), ("reaction", reaction), ("deviceSent", deviceSent),
        ("senderKeyDistribution", senderKeyDistribution), ("revoke", revoke), ("edit", edit),
        ("image", image), ("video", video), ("audio", audio), ("document", document), ("sticker", sticker),
    ]

    /// Everything neonize parses in the suite's Python run.
    static func cases() throws -> [Neonize.Case] {
        var cases = [
            Neonize.Case(name: "registration", type: "ClientPayload", bytes: try registrationPayload().serializedBytes()),
            Neonize.Case(name: "registration.deviceProps", type: "DeviceProps", bytes: try deviceProps().serializedBytes()),
            Neonize.Case(name: "login", type: "ClientPayload", bytes: try loginPayload().serializedBytes()),
            Neonize.Case(name: "clientHello", type: "HandshakeMessage", bytes: try clientHello().serializedBytes()),
            Neonize.Case(name: "clientFinish", type: "HandshakeMessage", bytes: try clientFinish().serializedBytes()),
        ]
        for (name, message) in e2eMessages {
            cases.append(Neonize.Case(name: "e2e." + name, type: "Message", bytes: try message().serializedBytes()))
        }
        for (name, bytes) in try MessagingBuilt.plaintexts() {
            cases.append(Neonize.Case(name: "messaging." + name, type: "Message", bytes: bytes))
        }
        return cases
    }
}
