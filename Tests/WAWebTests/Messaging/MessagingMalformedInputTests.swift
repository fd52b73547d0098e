import Foundation
import Testing
import WABinary
import WAProto
import WASignal
import WAWeb

/// Malformed stanzas, unknown `<enc>` types and versions, garbage ciphertexts and bad plaintexts end as
/// error values with the right answer for the server (retry, nack), never as a crash.
@Suite struct MessagingMalformedInputTests {
    static let bob = JID("15550000002@s.whatsapp.net")!

    static func message(_ children: [Node], attributes: Node.Attributes = [:]) -> Node {
        var all: Node.Attributes = ["id": "M1", "from": .jid(bob), "t": "1767225600", "type": "text"]
        for (key, value) in attributes { all[key] = value }
        return Node(tag: "message", attributes: all, children: children)
    }

    static func enc(_ type: String, v: String = "2", _ bytes: [UInt8] = [0x33, 1, 2, 3]) -> Node {
        Node(tag: "enc", attributes: ["v": .string(v), "type": .string(type)], content: .bytes(bytes))
    }

    @Test func stanzasThatAreNotMessagesAreRejected() throws {
        let own = JID("15550000001:3@s.whatsapp.net")!
        #expect(throws: MessagingError.self) { try IncomingMessageStanza(Node(tag: "receipt", attributes: ["id": "1"]), ownJID: own, ownLID: nil) }
        #expect(throws: MessagingError.self) { try IncomingMessageStanza(Node(tag: "message", attributes: ["from": .jid(Self.bob)]), ownJID: own, ownLID: nil) }
        // A textual from is not a JID: servers send JID values.
        #expect(throws: MessagingError.self) { try IncomingMessageStanza(Node(tag: "message", attributes: ["id": "1", "from": "bob"]), ownJID: own, ownLID: nil) }
        let group = Node(tag: "message", attributes: ["id": "1", "from": .jid(JID("1203@g.us")!)], children: [Self.enc("skmsg")])
        #expect(throws: MessagingError.self) { try IncomingMessageStanza(group, ownJID: own, ownLID: nil) }
        #expect(throws: MessagingError.self) {
            try IncomingMessageStanza(Self.message([Node(tag: "enc", attributes: ["v": "x", "type": "msg"])]), ownJID: own, ownLID: nil)
        }
        #expect(throws: MessagingError.self) {
            try IncomingMessageStanza(Self.message([Node(tag: "enc", attributes: ["v": "2"])]), ownJID: own, ownLID: nil)
        }
    }

    @Test func unknownTypesVersionsAndGarbageAreErrorValues() throws {
        let alice = try SignalParty("15550000001:3@s.whatsapp.net")
        let node = Self.message([
            Self.enc("msmsg"), Self.enc("future"), Self.enc("msg", v: "3"), Self.enc("pkmsg", [0x33] + [UInt8](repeating: 0xFF, count: 40)),
            Self.enc("msg", []), Self.enc("skmsg"),
        ])
        let decryption = alice.decryptor.decrypt(try alice.stanza(node))
        let codes = decryption.parts.map { part -> MessagingError.Code? in
            if case .failure(let error) = part.result { return error.code }
            return nil
        }
        #expect(
            codes == [.unsupportedEncryption, .unsupportedEncryption, .unsupportedEncryption, .decryptionFailed, .decryptionFailed, .malformedStanza])
        #expect(decryption.needsRetry && decryption.payloads.isEmpty && decryption.nackCode == nil)
        #expect(!decryption.isDuplicate)
    }

    @Test func aStanzaWithoutEncIsNackedUnlessUnavailable() throws {
        let alice = try SignalParty("15550000001:3@s.whatsapp.net")
        #expect(alice.decryptor.decrypt(try alice.stanza(Self.message([]))).nackCode == 488)
        let unavailable = Self.message([Node(tag: "unavailable", attributes: ["type": "view_once"])])
        let stanza = try alice.stanza(unavailable)
        #expect(stanza.unavailableType == "view_once")
        #expect(alice.decryptor.decrypt(stanza).nackCode == nil)
    }

    @Test func badPaddingAndNonProtobufPlaintextsAreReported() throws {
        let alice = try SignalParty("15550000001@s.whatsapp.net")
        let bob = try SignalParty("15550000002@s.whatsapp.net")
        try bob.engine.processPreKeyBundle(alice.bundle(), for: .phoneNumber("15550000001"))
        // Encrypted straight through the engine, so the plaintexts are exactly these bytes.
        let unpadded = try bob.engine.encrypt([0x0A, 0x01, 0x41, 0x00], to: .phoneNumber("15550000001"))
        let notProtobuf = try bob.engine.encrypt([0xFF, 0xFF, 0xFF, 0x01], to: .phoneNumber("15550000001"))
        let node = Self.message([Self.enc(unpadded.kind.rawValue, unpadded.bytes), Self.enc(notProtobuf.kind.rawValue, notProtobuf.bytes)])
        let decryption = alice.decryptor.decrypt(try alice.stanza(node))
        #expect(decryption.failures.map(\.code) == [.invalidPadding, .invalidProtobuf])
        #expect(decryption.nackCode == 491 && decryption.needsRetry)
    }

    @Test func malformedKeyAndDeviceAnswersAreErrors() throws {
        // Prekey answers: no list, a 2-byte id, a short identity, an <error> — each fails only its entry.
        #expect(throws: MessagingError.self) { try PreKeyBundleFetch.parse(Node(tag: "iq")) }
        let good = try SignalParty("15550000002@s.whatsapp.net").bundle()
        var answer = PreKeyBundleFetch.response(id: "1", bundles: [(Self.bob, good), (JID("15550000003@s.whatsapp.net")!, nil)])
        let parsed = try PreKeyBundleFetch.parse(answer)
        #expect(try parsed[Self.bob]?.get() == good)
        #expect(throws: MessagingError.self) { try parsed[JID("15550000003@s.whatsapp.net")!]?.get() }
        // Corrupt the skey id of the good entry: 2 bytes instead of 3.
        answer = Node(
            tag: "iq",
            children: [
                Node(
                    tag: "list",
                    children: [
                        Node(
                            tag: "user", attributes: ["jid": .jid(Self.bob)],
                            children: [
                                Node(tag: "registration", content: .bytes([0, 0, 0, 1])), Node(tag: "identity", content: .bytes([1, 2])),
                            ])
                    ])
            ])
        #expect(throws: MessagingError.self) { try PreKeyBundleFetch.parse(answer)[Self.bob]?.get() }
        #expect(throws: MessagingError.self) { try DeviceListQuery.parse(Node(tag: "iq")) }
        #expect(throws: MessagingError.self) { try PreKeyUpload(request: Node(tag: "iq", attributes: ["xmlns": "encrypt", "type": "set"])) }
        #expect(throws: MessagingError.self) { try PreKeyUpload.parseCount(Node(tag: "iq", children: [Node(tag: "count", attributes: ["value": "-1"])])) }
    }
}
