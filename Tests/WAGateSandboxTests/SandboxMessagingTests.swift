import Foundation
import SwiftProtobuf
import Testing
import WABinary
import WAGateCrypto
import WAGateSandbox
import WAProto
import WASignal
import WAWeb

/// End-to-end encrypted messaging through the sandbox: a linked companion, driven by a WAWebSession with
/// the messaging layer (prekey upload, MessageDecryptor, receipts, usync + bundles + MessageEncryptor),
/// and simulated phones with their own Signal identities.
@Suite(.timeLimit(.minutes(1)))
struct SandboxMessagingTests {
    static let account = "+15550001111"
    static let contactPhone = "+15550002222"

    /// Reads events until `match` returns a value.
    static func next<T>(_ events: inout WAWebSession.Events.AsyncIterator, _ match: (Node) throws -> T?) async throws -> T {
        while let event = try await events.next() {
            guard case .node(let node) = event else { continue }
            if let value = try match(node) { return value }
        }
        throw SandboxError("the session ended first")
    }

    @Test func aContactAndALinkedCompanionExchangeEncryptedMessages() async throws {
        let sandbox = try SandboxServer()
        try await sandbox.withRunning { url in
            let helper = SandboxServerTests()
            let (credentials, device) = try await helper.pair(sandbox, url)
            let engine = try SignalEngine(store: try credentials.makeSignalStore())
            let payload: [UInt8] = try ClientPayloads.login(username: 15_550_001_111, device: UInt32(device.jid.device), pushName: nil)
                .serializedBytes()
            try await WAWebSession.withSession(
                configuration: helper.configuration(url, sandbox, noiseKey: credentials.noiseKey, payload: payload)
            ) { session in
                var events = session.events.makeAsyncIterator()
                _ = try await Self.next(&events) { $0.tag == "success" ? $0 : nil }

                // §5.1: the count, then the first upload of 812 keys, then the count again.
                let before = try PreKeyUpload.parseCount(try await session.sendIQ(PreKeyUpload.countRequest(), timeout: .seconds(5)))
                #expect(before == 0)
                let wanted = PreKeyUpload.keysToUpload(serverCount: before, uploadedLocally: 0)
                let preKeys = try engine.context.generatePreKeys(startingAt: 1, count: wanted)
                engine.store.storePreKeys(preKeys)
                let signed = try #require(engine.store.signedPreKey(id: credentials.signedPreKey.id))
                let upload = PreKeyUpload(
                    registrationId: engine.store.registrationId, identityKey: engine.store.identityKeyPair.publicKey, preKeys: preKeys,
                    signedPreKey: signed)
                _ = try await session.sendIQ(upload.request(), timeout: .seconds(5))
                #expect(try PreKeyUpload.parseCount(try await session.sendIQ(PreKeyUpload.countRequest(), timeout: .seconds(5))) == 812)

                // The contact writes first: a pkmsg, since it has no session yet (and keeps sending pkmsgs
                // until the companion answers).
                let bob = try sandbox.contact(phone: Self.contactPhone, name: "Bob")
                let firstID = try await bob.send(text: "hello from bob", to: Self.account)
                let decryptor = MessageDecryptor(engine: engine)
                func receive() async throws -> (IncomingMessageStanza, MessageDecryption) {
                    let node = try await Self.next(&events) { $0.tag == "message" ? $0 : nil }
                    let stanza = try IncomingMessageStanza(node, ownJID: device.jid, ownLID: device.lid)
                    let decryption = decryptor.decrypt(stanza)
                    try await session.send(Receipts.delivery(for: stanza, active: true))
                    return (stanza, decryption)
                }
                let (first, firstDecryption) = try await receive()
                #expect(first.id == firstID && first.encrypted.map(\.type) == ["pkmsg"])
                #expect(first.sender == bob.jid && first.pushName == "Bob" && first.senderLID == bob.lid)
                #expect(firstDecryption.contents.map(\.message.content.conversation) == ["hello from bob"])
                #expect(firstDecryption.contents.first?.consumedPreKeyId != nil)

                // The account's own phone got the contact's messages too.
                let phone = try #require(try sandbox.existingContact(phone: Self.account))
                #expect(await phone.inbox().map(\.text) == ["hello from bob"])

                // The companion answers: usync for the contact and our own user, bundles for devices
                // without a session (our phone), sessions with the contact under its LID (learned above).
                let lists = try DeviceListQuery.parse(
                    try await session.sendIQ(DeviceListQuery.request(users: [bob.jid, device.jid], sid: session.generateID()), timeout: .seconds(5)))
                let devices = lists.flatMap(\.devices)
                #expect(Set(devices) == [bob.jid, JID(user: "15550001111", server: .defaultUser), device.jid])
                let encryptor = MessageEncryptor(
                    engine: engine, ownDevice: device.jid, ownLID: device.lid, deviceIdentity: device.account,
                    lidMapping: [bob.jid: try #require(first.senderLID?.withoutDevice)])
                let missing = encryptor.devicesWithoutSession(devices)
                #expect(missing == [JID(user: "15550001111", server: .defaultUser)])
                let bundles = try PreKeyBundleFetch.parse(
                    try await session.sendIQ(PreKeyBundleFetch.request(for: missing), timeout: .seconds(5))
                ).compactMapValues { try? $0.get() }
                var reply = WAE2E_Message()
                reply.conversation = "hi bob, this is the gateway"
                let outgoing = try encryptor.directMessage(
                    id: "3EB0REPLY0000000000001", to: bob.jid, message: reply, devices: devices, bundles: bundles)
                #expect(outgoing.failures.isEmpty && outgoing.includesPreKeyMessage)
                try await session.send(outgoing.node)

                let ack = try await Self.next(&events) { node in node.tag == "ack" && node.attribute("class") == "message" ? try ServerAck(node) : nil }
                #expect(ack.id == "3EB0REPLY0000000000001" && ack.error == nil && ack.phash == outgoing.phash)
                // Receipts from the contact (delivered) and from our own phone (`sender`, for its copy).
                var receipts: [JID: IncomingReceipt] = [:]
                while receipts.count < 2 {
                    let receipt = try await Self.next(&events) { $0.tag == "receipt" ? try IncomingReceipt($0) : nil }
                    receipts[receipt.from] = receipt
                }
                #expect(receipts[bob.jid]?.id == "3EB0REPLY0000000000001" && receipts[bob.jid]?.type == nil)
                let ownPhone = JID(user: "15550001111", server: .defaultUser)
                #expect(receipts[ownPhone]?.id == "3EB0REPLY0000000000001" && receipts[ownPhone]?.type == "sender")

                let inbox = await bob.inbox()
                #expect(inbox.map(\.text) == ["hi bob, this is the gateway"])
                #expect(inbox.first?.from == "15550001111@s.whatsapp.net" && inbox.first?.device == device.jid.description)
                #expect(await bob.undecryptableCount() == 0)
                // Our phone got the device-sent copy, with the chat it was for.
                let copy = await phone.inbox().last
                #expect(copy?.fromMe == true && copy?.chat == bob.jid.description && copy?.text == "hi bob, this is the gateway")
                // Now that the companion answered, the contact's session is established: a msg.
                let secondID = try await bob.send(text: "are you there?", to: Self.account)
                let (second, secondDecryption) = try await receive()
                #expect(second.id == secondID && second.encrypted.map(\.type) == ["msg"])
                // The server acks a receipt once it has forwarded it.
                _ = try await Self.next(&events) { $0.tag == "ack" && $0.attribute("class") == "receipt" && $0.attribute("id") == secondID ? $0 : nil }
                #expect(secondDecryption.contents.map(\.message.content.conversation) == ["are you there?"])

                // The delivery receipts of the account's phone and of the companion reached the contact.
                let receivers: Set = ["15550001111@s.whatsapp.net", device.jid.description]
                #expect(Set(await bob.receipts(for: firstID)) == receivers)
                #expect(Set(await bob.receipts(for: secondID)) == receivers)
            }
        }
    }

    @Test func messagesForAnOfflineCompanionWaitForItsLogin() async throws {
        let sandbox = try SandboxServer()
        try await sandbox.withRunning { url in
            let helper = SandboxServerTests()
            let (credentials, device) = try await helper.pair(sandbox, url)
            let engine = try SignalEngine(store: try credentials.makeSignalStore())
            let payload: [UInt8] = try ClientPayloads.login(username: 15_550_001_111, device: UInt32(device.jid.device), pushName: nil)
                .serializedBytes()
            let configuration = try helper.configuration(url, sandbox, noiseKey: credentials.noiseKey, payload: payload)
            // Keys go up in one session...
            try await WAWebSession.withSession(configuration: configuration) { session in
                var events = session.events.makeAsyncIterator()
                _ = try await Self.next(&events) { $0.tag == "success" ? $0 : nil }
                let preKeys = try engine.context.generatePreKeys(startingAt: 1, count: 5)
                engine.store.storePreKeys(preKeys)
                let upload = PreKeyUpload(
                    registrationId: engine.store.registrationId, identityKey: engine.store.identityKeyPair.publicKey, preKeys: preKeys,
                    signedPreKey: try #require(engine.store.signedPreKey(id: 1)))
                _ = try await session.sendIQ(upload.request(), timeout: .seconds(5))
            }
            // ...the contact writes while the companion is away...
            let carol = try sandbox.contact(phone: "+15550003333")
            let id = try await carol.send(text: "while you were out", to: Self.account)
            // Only the account's phone has it so far.
            #expect(await carol.receipts(for: id) == ["15550001111@s.whatsapp.net"])
            // ...and the message follows the next <success>.
            try await WAWebSession.withSession(configuration: configuration) { session in
                var events = session.events.makeAsyncIterator()
                _ = try await Self.next(&events) { $0.tag == "success" ? $0 : nil }
                let node = try await Self.next(&events) { $0.tag == "message" ? $0 : nil }
                let stanza = try IncomingMessageStanza(node, ownJID: device.jid, ownLID: device.lid)
                #expect(MessageDecryptor(engine: engine).decrypt(stanza).contents.map(\.message.content.conversation) == ["while you were out"])
            }
        }
    }

    @Test func contactsRefuseMalformedNumbersAndUnknownRecipients() async throws {
        let sandbox = try SandboxServer()
        #expect(throws: SandboxError.self) { try sandbox.contact(phone: "not a number") }
        let dave = try sandbox.contact(phone: "+15550004444")
        #expect(try sandbox.contact(phone: "+15550004444") === dave)
        // Nobody has that number: no device to encrypt for.
        await #expect(throws: SandboxError.self) { try await dave.send(text: "anyone?", to: "+15550009999") }
        await #expect(throws: SandboxError.self) { try await dave.send(text: "x", to: "12") }
    }
}
