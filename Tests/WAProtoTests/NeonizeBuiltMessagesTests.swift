import Foundation
import SwiftProtobuf
import Testing
import WAProto

/// (b) Messages WhatsApp's own definitions build (neonize, `Interop/neonize_peer.py`), parsed by our
/// generated code: every field lands in a known field of ours with the same number, type and value (no
/// unknown fields left over), our re-serialisation gives back the same bytes, and the fields read right.
@Suite struct NeonizeBuiltMessagesTests {
    /// Parses `bytes` as the message neonize_peer.py calls `type`.
    static func parse(_ type: String, _ bytes: [UInt8]) throws -> any SwiftProtobuf.Message {
        switch type {
        case "Message": try WAE2E_Message(serializedBytes: bytes)
        case "HandshakeMessage": try WA6_HandshakeMessage(serializedBytes: bytes)
        case "ClientPayload": try WA6_ClientPayload(serializedBytes: bytes)
        case "CertChain": try WACert_CertChain(serializedBytes: bytes)
        case "CertChain.NoiseCertificate.Details": try WACert_CertChain.NoiseCertificate.Details(serializedBytes: bytes)
        case "DeviceProps": try WACompanionReg_DeviceProps(serializedBytes: bytes)
        case "ClientPairingProps": try WACompanionReg_ClientPairingProps(serializedBytes: bytes)
        case "ADVSignedDeviceIdentityHMAC": try WAAdv_ADVSignedDeviceIdentityHMAC(serializedBytes: bytes)
        case "ADVSignedDeviceIdentity": try WAAdv_ADVSignedDeviceIdentity(serializedBytes: bytes)
        case "ADVDeviceIdentity": try WAAdv_ADVDeviceIdentity(serializedBytes: bytes)
        case "ADVSignedKeyIndexList": try WAAdv_ADVSignedKeyIndexList(serializedBytes: bytes)
        case "ADVKeyIndexList": try WAAdv_ADVKeyIndexList(serializedBytes: bytes)
        default: throw Neonize.Failure(description: "no Swift type for \(type)")
        }
    }

    /// Everything neonize builds whose fields wagate's definitions all know.
    static let fullyKnown = [
        "reply", "reaction", "deviceSent", "image", "video", "audio", "document", "sticker", "location", "contact",
        "revoke", "edit", "historySync", "appStateKeys", "ephemeralSetting", "senderKeyDistribution",
        "advSignedDeviceIdentity", "advDeviceIdentity", "advHMAC", "advKeyIndexList", "advSignedKeyIndexList",
        "certChain", "certDetails", "serverHello", "clientPairingProps",
    ]

    @Test(arguments: fullyKnown)
    func neonizeMessageParsesWithEveryFieldEqual(name: String) async throws {
        let built = try await Neonize.response.value.built(name)
        let message = try Self.parse(built.type, built.bytes)
        try expectSameFields(message, built.canon)
        #expect(try message.serializedBytes() as [UInt8] == built.bytes)
    }

    @Test func replyWithMentionsAndQuote() async throws {
        let message = try WAE2E_Message(serializedBytes: try await Neonize.response.value.built("reply").bytes)
        #expect(message.hasExtendedTextMessage)
        let text = message.extendedTextMessage
        #expect(text.text == "@12025550199 @98765432109876 yes, see you there")
        let context = text.contextInfo
        #expect(context.stanzaID == "3EB0C431D5A2B4E6F7A8")
        #expect(context.participant == "12025550111@s.whatsapp.net")
        #expect(context.remoteJid == "120363025246125486@g.us")
        #expect(context.mentionedJid == ["12025550199@s.whatsapp.net", "98765432109876@lid"])
        #expect(context.quotedMessage.conversation == "Are we still on for 7pm?")
        #expect(context.expiration == 604_800)
        #expect(context.ephemeralSettingTimestamp == 1_767_225_000)
        #expect(message.messageContextInfo.messageSecret == Data(0..<32))
        #expect(message.messageContextInfo.deviceListMetadataVersion == 2)
        #expect(!message.hasConversation)
    }

    @Test func reaction() async throws {
        let message = try WAE2E_Message(serializedBytes: try await Neonize.response.value.built("reaction").bytes)
        let reaction = message.reactionMessage
        #expect(reaction.text == "\u{1F44D}")
        #expect(reaction.senderTimestampMs == 1_767_225_600_123)
        #expect(reaction.key.remoteJid == "120363025246125486@g.us")
        #expect(reaction.key.hasFromMe && !reaction.key.fromMe)
        #expect(reaction.key.id == "3EB0C431D5A2B4E6F7A8")
        #expect(reaction.key.participant == "12025550111@s.whatsapp.net")
    }

    @Test func deviceSentWrapper() async throws {
        let message = try WAE2E_Message(serializedBytes: try await Neonize.response.value.built("deviceSent").bytes)
        #expect(message.hasDeviceSentMessage)
        #expect(message.deviceSentMessage.destinationJid == "12025550199@s.whatsapp.net")
        #expect(message.deviceSentMessage.phash == "2:AbCdEf12")
        let inner = message.deviceSentMessage.message
        #expect(inner.extendedTextMessage.text == "sent from my phone")
        #expect(inner.extendedTextMessage.contextInfo.expiration == 86400)
        #expect(message.messageContextInfo.messageSecret == Data(100..<132))
    }

    @Test func futureProofWrappersAndMedia() async throws {
        let response = try await Neonize.response.value
        let image = try WAE2E_Message(serializedBytes: try response.built("image").bytes).ephemeralMessage.message.imageMessage
        #expect(image.caption == "the view from here")
        #expect(image.mimetype == "image/jpeg")
        #expect(image.fileLength == 184_263)
        #expect((image.height, image.width) == (1280, 960))
        #expect(image.mediaKey.count == 32 && image.fileSha256.count == 32 && image.fileEncSha256.count == 32)
        #expect(image.mediaKeyTimestamp == 1_767_225_600)
        #expect(image.hasViewOnce && !image.viewOnce)

        let video = try WAE2E_Message(serializedBytes: try response.built("video").bytes).viewOnceMessageV2.message.videoMessage
        #expect(video.seconds == 42 && video.viewOnce && video.caption == "watch once")
        #expect((video.height, video.width) == (720, 1280))

        let audio = try WAE2E_Message(serializedBytes: try response.built("audio").bytes).audioMessage
        #expect(audio.ptt && audio.seconds == 9 && audio.waveform == Data(0..<64))
        #expect(audio.mimetype == "audio/ogg; codecs=opus")

        let document = try WAE2E_Message(serializedBytes: try response.built("document").bytes)
            .documentWithCaptionMessage.message.documentMessage
        #expect(document.fileName == "invoice-2026-001.pdf" && document.caption == "the invoice")
        #expect(document.title == "Invoice 2026-001" && document.pageCount == 3)

        let sticker = try WAE2E_Message(serializedBytes: try response.built("sticker").bytes).stickerMessage
        #expect(sticker.isAnimated && sticker.mimetype == "image/webp" && sticker.fileLength == 17_844)

        let location = try WAE2E_Message(serializedBytes: try response.built("location").bytes).locationMessage
        #expect(location.degreesLatitude == 48.858370 && location.degreesLongitude == 2.294481)
        #expect(location.name == "Tour Eiffel")
    }

    @Test func protocolMessages() async throws {
        let response = try await Neonize.response.value
        let revoke = try WAE2E_Message(serializedBytes: try response.built("revoke").bytes).protocolMessage
        #expect(revoke.hasType && revoke.type == .revoke)
        #expect(revoke.key.id == "3EB0AAAAAAAAAAAAAAAA" && revoke.key.fromMe)

        let edit = try WAE2E_Message(serializedBytes: try response.built("edit").bytes).editedMessage.message.protocolMessage
        #expect(edit.type == .messageEdit)
        #expect(edit.editedMessage.conversation == "corrected text")
        #expect(edit.timestampMs == 1_767_225_699_000)

        let history = try WAE2E_Message(serializedBytes: try response.built("historySync").bytes).protocolMessage
        #expect(history.type == .historySyncNotification)
        #expect(history.historySyncNotification.syncType == .initialBootstrap)
        #expect(history.historySyncNotification.fileLength == 55123)
        #expect(history.historySyncNotification.directPath == "/v/t62.1234-24/hs.enc")
        #expect(history.historySyncNotification.chunkOrder == 1)

        let keys = try WAE2E_Message(serializedBytes: try response.built("appStateKeys").bytes).protocolMessage
        #expect(keys.type == .appStateSyncKeyShare)
        #expect(keys.appStateSyncKeyShare.keys.map(\.keyID.keyID) == [Data([0, 0, 0, 1, 0]), Data([0, 0, 0, 1, 1])])
        #expect(keys.appStateSyncKeyShare.keys[1].keyData.fingerprint.deviceIndexes == [0, 3, 9])
        #expect(keys.appStateSyncKeyShare.keys[1].keyData.timestamp == 1_767_225_600_001)

        let setting = try WAE2E_Message(serializedBytes: try response.built("ephemeralSetting").bytes).protocolMessage
        #expect(setting.type == .ephemeralSetting && setting.ephemeralExpiration == 604_800)

        let skdm = try WAE2E_Message(serializedBytes: try response.built("senderKeyDistribution").bytes)
        #expect(skdm.senderKeyDistributionMessage.groupID == "120363025246125486@g.us")
        #expect(skdm.senderKeyDistributionMessage.axolotlSenderKeyDistributionMessage.first == 0x33)
        #expect(skdm.conversation == "hello group")
    }

    @Test func advSignedDeviceIdentityAndItsContainers() async throws {
        let response = try await Neonize.response.value
        let signed = try WAAdv_ADVSignedDeviceIdentity(serializedBytes: try response.built("advSignedDeviceIdentity").bytes)
        #expect(signed.accountSignatureKey.count == 32)
        #expect(signed.accountSignature.count == 64)
        #expect(signed.deviceSignature.count == 64)
        let identity = try WAAdv_ADVDeviceIdentity(serializedBytes: signed.details)
        #expect(identity.rawID == 2_847_561)
        #expect(identity.timestamp == 1_767_225_600)
        #expect(identity.keyIndex == 7)
        #expect(identity.hasAccountType && identity.accountType == .e2Ee)
        #expect(identity.hasDeviceType && identity.deviceType == .e2Ee)

        // pair-success: HMAC container -> signed identity -> identity, here a hosted account.
        let container = try WAAdv_ADVSignedDeviceIdentityHMAC(serializedBytes: try response.built("advHMAC").bytes)
        #expect(container.accountType == .hosted && container.hmac.count == 32)
        let inner = try WAAdv_ADVSignedDeviceIdentity(serializedBytes: container.details)
        #expect(!inner.hasDeviceSignature && inner.accountSignatureKey == Data(200..<232))
        let hosted = try WAAdv_ADVDeviceIdentity(serializedBytes: inner.details)
        #expect(hosted.keyIndex == 8 && hosted.deviceType == .hosted)

        // The pair-device-sign reply drops accountSignatureKey: fields 1, 3 and 4 only.
        var reply = signed
        reply.clearAccountSignatureKey()
        let expected: [UInt8] = [0x0A, UInt8(signed.details.count)] + signed.details
            + [0x1A, 64] + signed.accountSignature + [0x22, 64] + signed.deviceSignature
        #expect(try reply.serializedBytes() as [UInt8] == expected)

        let keyIndexList = try WAAdv_ADVKeyIndexList(serializedBytes: try response.built("advKeyIndexList").bytes)
        #expect(keyIndexList.validIndexes == [0, 3, 9] && keyIndexList.currentIndex == 9)
    }

    @Test func handshakeServerHelloAndCertificateChain() async throws {
        let response = try await Neonize.response.value
        let hello = try WA6_HandshakeMessage(serializedBytes: try response.built("serverHello").bytes)
        #expect(hello.hasServerHello && !hello.hasClientHello && !hello.hasClientFinish)
        #expect(hello.serverHello.ephemeral == Data(200..<232))
        #expect(hello.serverHello.static.count == 48)
        let chain = try WACert_CertChain(serializedBytes: hello.serverHello.payload)
        let intermediate = try WACert_CertChain.NoiseCertificate.Details(serializedBytes: chain.intermediate.details)
        let leaf = try WACert_CertChain.NoiseCertificate.Details(serializedBytes: chain.leaf.details)
        #expect(intermediate.serial == 4 && intermediate.hasIssuerSerial && intermediate.issuerSerial == 0)
        #expect(leaf.issuerSerial == intermediate.serial && leaf.serial == 77)
        #expect(leaf.key == Data(0..<32))
        #expect((leaf.notBefore, leaf.notAfter) == (1_760_000_000, 1_800_000_000))
        #expect(chain.leaf.signature.count == 64 && chain.intermediate.signature.count == 64)

        let props = try WACompanionReg_ClientPairingProps(serializedBytes: try response.built("clientPairingProps").bytes)
        #expect(props.isChatDbLidMigrated && props.isSyncdPureLidSession && props.isHsThumbnailSyncEnabled)
        #expect(props.hasIsSyncdSnapshotRecoveryEnabled && !props.isSyncdSnapshotRecoveryEnabled)
    }

    /// proto2 semantics for what our subset leaves out: a ProtocolMessage type our closed enum does not
    /// list reads as unset (not as REVOKE, its default) and travels on as an unknown field; a content
    /// type we don't define (a poll) and a field we don't define are kept and re-serialised untouched.
    @Test func valuesOutsideOurSubsetArePreserved() async throws {
        let response = try await Neonize.response.value
        let unknownTypeBytes = try response.built("unknownProtocolType").bytes
        let unknownType = try WAE2E_Message(serializedBytes: unknownTypeBytes)
        #expect(unknownType.hasProtocolMessage)
        #expect(!unknownType.protocolMessage.hasType)
        #expect(unknownType.protocolMessage.key.remoteJid == "status@broadcast")
        #expect(!unknownType.protocolMessage.unknownFields.data.isEmpty)
        #expect(response.facts["protocolMessageType:STATUS_MENTION_MESSAGE"] == "25")
        #expect(WAE2E_ProtocolMessage.TypeEnum(rawValue: 25) == nil)
        #expect(try unknownType.serializedBytes() as [UInt8] == unknownTypeBytes)

        let unknownContentBytes = try response.built("unknownContent").bytes
        let unknownContent = try WAE2E_Message(serializedBytes: unknownContentBytes)
        #expect(!unknownContent.unknownFields.data.isEmpty)  // the poll (field 49)
        #expect(!unknownContent.messageContextInfo.unknownFields.data.isEmpty)  // botMessageSecret (6)
        #expect(unknownContent.messageContextInfo.messageSecret == Data(200..<232))
        // Our serialisation writes a message's known fields, then its unknown ones: here that is the
        // original field order, so the bytes come back identical.
        #expect(try unknownContent.serializedBytes() as [UInt8] == unknownContentBytes)
    }
}
