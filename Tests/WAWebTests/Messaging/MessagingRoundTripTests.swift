import Foundation
import SwiftProtobuf
import Testing
import WABinary
import WAProto
import WASignal
import WAWeb

/// Two (or more) WASignal parties exchange stanzas built by `MessageEncryptor` and read by
/// `IncomingMessageStanza` + `MessageDecryptor`, through the binary codec, as a server would relay them.
@Suite struct MessagingRoundTripTests {
    static func text(_ text: String) -> WAE2E_Message {
        var message = WAE2E_Message()
        message.conversation = text
        return message
    }

    /// The decrypted text of a delivered stanza, checking that exactly one payload carries content.
    static func decryptText(_ node: Node?, by party: SignalParty, sourceLocation: SourceLocation = #_sourceLocation) throws -> String? {
        let node = try #require(node, sourceLocation: sourceLocation)
        let decryption = party.decryptor.decrypt(try party.stanza(node))
        #expect(decryption.failures.isEmpty, "\(decryption.failures)", sourceLocation: sourceLocation)
        let contents = decryption.contents
        #expect(contents.count == 1, sourceLocation: sourceLocation)
        return contents.first?.message.content.conversation
    }

    @Test func aPreKeyMessageThenMessagesBothWays() throws {
        let bob = try SignalParty("15550000002@s.whatsapp.net")
        let alice = try SignalParty("15550000001:3@s.whatsapp.net")
        let aliceUser = alice.jid.withoutDevice

        // Bob has no session with Alice's device: a bundle starts one, the stanza carries a pkmsg.
        #expect(bob.encryptor.devicesWithoutSession([alice.jid, bob.jid]) == [alice.jid])
        let first = try bob.encryptor.directMessage(
            id: "3EB0000000000000000001", to: aliceUser, message: Self.text("hello alice"), devices: [alice.jid, bob.jid],
            bundles: [alice.jid: alice.bundle()])
        #expect(first.recipients == [alice.jid] && first.failures.isEmpty && first.includesPreKeyMessage)
        #expect(first.node.attribute("type") == "text" && first.node.jidAttribute("to") == aliceUser)
        #expect(first.node.child("participants")?.child("to")?.child("enc")?.attribute("type") == "pkmsg")
        #expect(first.node.child("device-identity")?.contentBytes == [0x0A, 0x02, 0x01, 0x02])
        #expect(first.phash == ParticipantHash.v2([alice.jid, bob.jid]))
        let delivered = try TestServer.deliver(first.node, from: bob.jid)
        #expect(try Self.decryptText(delivered[alice.jid], by: alice) == "hello alice")

        // Alice answers on the session the pkmsg built: a plain msg, no device identity.
        #expect(alice.encryptor.devicesWithoutSession([bob.jid]).isEmpty)
        let answer = try alice.encryptor.directMessage(id: "3EB0000000000000000002", to: bob.jid, message: Self.text("hi bob"), devices: [bob.jid])
        #expect(answer.node.child("participants")?.child("to")?.child("enc")?.attribute("type") == "msg")
        #expect(answer.node.child("device-identity") == nil && !answer.includesPreKeyMessage)
        #expect(try Self.decryptText(try TestServer.deliver(answer.node, from: alice.jid)[bob.jid], by: bob) == "hi bob")

        // Bob's next message is a msg too: the peer answered.
        let third = try bob.encryptor.directMessage(id: "3EB0000000000000000003", to: aliceUser, message: Self.text("again"), devices: [alice.jid])
        #expect(third.node.child("participants")?.child("to")?.child("enc")?.attribute("type") == "msg")
        #expect(try Self.decryptText(try TestServer.deliver(third.node, from: bob.jid)[alice.jid], by: alice) == "again")
    }

    @Test func theStanzaNamesSenderAlternatesAndThePayloadIsUnpadded() throws {
        let bob = try SignalParty("15550000002@s.whatsapp.net")
        let alice = try SignalParty("15550000001:3@s.whatsapp.net", lid: "99990000001:3@lid")
        var reply = WAE2E_Message()
        reply.extendedTextMessage.text = "@15550000001 yes"
        reply.extendedTextMessage.contextInfo.stanzaID = "3EB0AAAA"
        reply.extendedTextMessage.contextInfo.participant = "15550000001@s.whatsapp.net"
        reply.extendedTextMessage.contextInfo.mentionedJid = ["15550000001@s.whatsapp.net"]
        let sent = try bob.encryptor.directMessage(
            id: "ID1", to: alice.jid.withoutDevice, message: reply, devices: [alice.jid], bundles: [alice.jid: alice.bundle()])
        let node = try #require(
            try TestServer.deliver(sent.node, from: bob.jid, extra: ["notify": "Bob", "sender_lid": .jid(JID("88880000002@lid")!)])[alice.jid])
        let stanza = try alice.stanza(node)
        #expect(stanza.chat == bob.jid && stanza.sender == bob.jid && !stanza.isFromMe && !stanza.isGroup)
        #expect(stanza.pushName == "Bob" && stanza.timestamp == 1_767_225_600 && stanza.type == "text")
        #expect(stanza.senderPN == bob.jid && stanza.senderLID == JID("88880000002@lid"))
        #expect(stanza.encrypted.map(\.type) == ["pkmsg"] && stanza.encrypted[0].version == 2)
        // The decryptor uses the LID address when the stanza names one (§10).
        let decryption = alice.decryptor.decrypt(stanza)
        let payload = try #require(decryption.contents.first)
        #expect(payload.sender == SignalAddress.lid("88880000002"))
        #expect(payload.consumedPreKeyId == 1)
        // Exactly the bytes Bob serialised: the padding is gone.
        #expect(try payload.message.content.serializedBytes() as [UInt8] == (try reply.serializedBytes() as [UInt8]))
    }

    @Test func ownOtherDevicesGetTheDeviceSentCopy() throws {
        let alicePhone = try SignalParty("15550000001@s.whatsapp.net")
        let aliceCompanion = try SignalParty("15550000001:3@s.whatsapp.net")
        let bob = try SignalParty("15550000002@s.whatsapp.net")
        let devices = [bob.jid, alicePhone.jid, aliceCompanion.jid]
        let sent = try aliceCompanion.encryptor.directMessage(
            id: "ID2", to: bob.jid, message: Self.text("from my laptop"), devices: devices,
            bundles: [bob.jid: bob.bundle(), alicePhone.jid: alicePhone.bundle()])
        #expect(Set(sent.recipients) == [bob.jid, alicePhone.jid])
        #expect(sent.node.child("participants")?.children("to").count == 2)
        let delivered = try TestServer.deliver(sent.node, from: aliceCompanion.jid)
        #expect(try Self.decryptText(delivered[bob.jid], by: bob) == "from my laptop")

        let phoneStanza = try alicePhone.stanza(try #require(delivered[alicePhone.jid]))
        #expect(phoneStanza.isFromMe && phoneStanza.chat == bob.jid && phoneStanza.recipient == bob.jid)
        let payload = try #require(alicePhone.decryptor.decrypt(phoneStanza).contents.first)
        #expect(payload.message.isDeviceSent && payload.message.destination == bob.jid)
        #expect(payload.message.content.conversation == "from my laptop")
        #expect(Receipts.delivery(for: phoneStanza, active: true).attribute("type") == "sender")
    }

    @Test func aGroupOfThreeWithSenderKeys() throws {
        let group = JID("120363025246125486@g.us")!
        let alice = try SignalParty("15550000001:3@s.whatsapp.net", lid: "99990000001:3@lid")
        let alicePhone = try SignalParty("99990000001@lid")
        let bob = try SignalParty("88880000002@lid")
        let carol = try SignalParty("77770000003:2@lid")
        let members = [alice.lid!, alicePhone.jid, bob.jid, carol.jid]
        let bundles = [alicePhone.jid: alicePhone.bundle(), bob.jid: bob.bundle(), carol.jid: carol.bundle()]

        let first = try alice.encryptor.groupMessage(
            id: "G1", to: group, message: Self.text("hello group"), devices: members, bundles: bundles, addressingMode: .lid)
        #expect(Set(first.recipients) == [alicePhone.jid, bob.jid, carol.jid] && first.failures.isEmpty)
        #expect(first.node.attribute("phash") == ParticipantHash.v2(members) && first.node.attribute("addressing_mode") == "lid")
        #expect(first.node.children("enc").map { $0.attribute("type") } == ["skmsg"])
        #expect(first.node.child("device-identity") != nil)
        let sender = alice.lid!
        let delivered = try TestServer.deliver(first.node, from: sender, extra: ["addressing_mode": "lid"])
        for party in [bob, carol, alicePhone] {
            let stanza = try party.stanza(try #require(delivered[party.jid]))
            #expect(stanza.isGroup && stanza.chat == group && stanza.sender == sender)
            #expect(stanza.encrypted.map(\.type) == ["pkmsg", "skmsg"])
            let decryption = party.decryptor.decrypt(stanza)
            #expect(decryption.failures.isEmpty)
            #expect(decryption.payloads.first?.installedSenderKey == SenderKeyName(groupId: group.description, sender: .lid("99990000001", device: 3)))
            #expect(decryption.contents.map(\.message.content.conversation) == ["hello group"])
        }
        #expect(try alicePhone.stanza(try #require(delivered[alicePhone.jid])).isFromMe)

        // Everyone has the key now: the next message is the skmsg alone.
        let second = try alice.encryptor.groupMessage(
            id: "G2", to: group, message: Self.text("second"), devices: members, devicesWithSenderKey: Set(first.recipients))
        #expect(second.node.child("participants") == nil && second.recipients.isEmpty)
        let again = try TestServer.deliver(second.node, from: sender, members: members)
        for party in [bob, carol] { #expect(try Self.decryptText(again[party.jid], by: party) == "second") }
    }

    @Test func aSenderKeyMessageBeforeItsDistributionStillDecrypts() throws {
        let group = JID("120363000000000001@g.us")!
        let alice = try SignalParty("15550000001@s.whatsapp.net")
        let bob = try SignalParty("15550000002@s.whatsapp.net")
        let sent = try alice.encryptor.groupMessage(
            id: "G3", to: group, message: Self.text("order"), devices: [alice.jid, bob.jid], bundles: [bob.jid: bob.bundle()])
        var node = try #require(try TestServer.deliver(sent.node, from: alice.jid)[bob.jid])
        node.content = .nodes(node.children.reversed())  // skmsg first in the document
        let decryption = bob.decryptor.decrypt(try bob.stanza(node))
        #expect(decryption.parts.map(\.type) == ["skmsg", "pkmsg"])
        #expect(decryption.failures.isEmpty)
        #expect(decryption.contents.map(\.message.content.conversation) == ["order"])
    }

    @Test func aRedeliveryIsADuplicate() throws {
        let alice = try SignalParty("15550000001@s.whatsapp.net")
        let bob = try SignalParty("15550000002@s.whatsapp.net")
        let sent = try bob.encryptor.directMessage(
            id: "D1", to: alice.jid, message: Self.text("once"), devices: [alice.jid], bundles: [alice.jid: alice.bundle()])
        let node = try #require(try TestServer.deliver(sent.node, from: bob.jid)[alice.jid])
        #expect(try Self.decryptText(node, by: alice) == "once")
        let again = alice.decryptor.decrypt(try alice.stanza(node))
        #expect(again.isDuplicate && !again.needsRetry && again.contents.isEmpty && again.nackCode == nil)
    }

    @Test func devicesWithoutSessionOrBundleAreReportedNotFatal() throws {
        let alice = try SignalParty("15550000001@s.whatsapp.net")
        let bob = try SignalParty("15550000002@s.whatsapp.net")
        let bobTablet = JID("15550000002:9@s.whatsapp.net")!
        var forged = bob.bundle()
        forged = PreKeyBundle(
            registrationId: forged.registrationId, deviceId: 4, preKey: nil, signedPreKeyId: forged.signedPreKeyId,
            signedPreKey: forged.signedPreKey, signedPreKeySignature: [UInt8](repeating: 7, count: 64), identityKey: forged.identityKey)
        let bobLaptop = JID("15550000002:4@s.whatsapp.net")!
        let sent = try alice.encryptor.directMessage(
            id: "F1", to: bob.jid, message: Self.text("x"), devices: [bob.jid, bobTablet, bobLaptop],
            bundles: [bob.jid: bob.bundle(), bobLaptop: forged])
        #expect(sent.recipients == [bob.jid])
        #expect(sent.failures[bobTablet]?.code == .noSession)
        #expect(sent.failures[bobLaptop]?.code == .encryptionFailed && sent.failures[bobLaptop]?.signalError == .invalidKey)
    }
}
