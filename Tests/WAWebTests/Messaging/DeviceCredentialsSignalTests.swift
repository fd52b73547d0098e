import Testing
import WABinary
import WAGateCrypto
import WAProto
import WASignal
import WAWeb

/// A companion's pairing credentials as a Signal store: a peer that builds its session from the keys the
/// companion registered (identity, signed prekey) reaches it, with no one-time prekey involved.
@Suite struct DeviceCredentialsSignalTests {
    @Test func aPreKeyMessageOnTheRegisteredSignedPreKeyDecrypts() throws {
        let credentials = try DeviceCredentials.generate()
        let engine = try SignalEngine(store: try credentials.makeSignalStore())
        #expect(engine.store.registrationId == credentials.registrationID)
        #expect(engine.store.identityKeyPair.publicKey.raw == credentials.identityKey.publicKey)
        let record = try #require(engine.store.signedPreKey(id: credentials.signedPreKey.id))
        #expect(record.publicKey.raw == credentials.signedPreKey.keyPair.publicKey && record.signature == credentials.signedPreKey.signature)

        let bundle = PreKeyBundle(
            registrationId: credentials.registrationID, deviceId: 3, preKey: nil, signedPreKeyId: credentials.signedPreKey.id,
            signedPreKey: try SignalPublicKey(raw: credentials.signedPreKey.keyPair.publicKey),
            signedPreKeySignature: credentials.signedPreKey.signature, identityKey: try SignalPublicKey(raw: credentials.identityKey.publicKey))
        let bob = try SignalParty("15550000002@s.whatsapp.net")
        let companion = JID("15550000001:3@s.whatsapp.net")!
        var text = WAE2E_Message()
        text.conversation = "to the companion"
        let sent = try bob.encryptor.directMessage(id: "C1", to: companion.withoutDevice, message: text, devices: [companion], bundles: [companion: bundle])
        let node = try #require(try TestServer.deliver(sent.node, from: bob.jid)[companion])
        let stanza = try IncomingMessageStanza(node, ownJID: companion, ownLID: nil)
        let decryption = MessageDecryptor(engine: engine).decrypt(stanza)
        #expect(decryption.contents.map(\.message.content.conversation) == ["to the companion"])
        #expect(decryption.contents.first?.consumedPreKeyId == nil)
    }

    @Test func malformedPartsAreRefused() throws {
        let key = try SecretBytes.random(count: 32)
        #expect(throws: SignalError.invalidArgument) { try SignedPreKeyRecord(id: 1, privateKey: key, signature: [1, 2], timestamp: 0) }
        #expect(throws: SignalError.invalidArgument) {
            try SignedPreKeyRecord(id: 0x100_0000, privateKey: key, signature: [UInt8](repeating: 0, count: 64), timestamp: 0)
        }
        #expect(throws: SignalError.invalidKey) {
            try SignedPreKeyRecord(id: 1, privateKey: try SecretBytes.random(count: 31), signature: [UInt8](repeating: 0, count: 64), timestamp: 0)
        }
    }
}
