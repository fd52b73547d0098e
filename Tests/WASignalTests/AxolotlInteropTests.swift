import Testing
import WAGateCrypto
import WASignal

/// WASignal against an independent implementation, python-axolotl (Interop/axolotl_peer.py): sessions
/// built from each other's bundles, pkmsg/msg in both directions, sender keys in both directions, and
/// our stored record formats read by the Python side.
@Suite struct AxolotlInteropTests {
    static let group = "120363000000000003@g.us"
    /// How the Python party is addressed on our side, and we on its side.
    let python = SignalAddress.lid("555000111222333", device: 1)
    let us: Party

    init() throws {
        us = try Party(.phoneNumber("12025550100", device: 4), preKeyCount: 3, firstPreKeyId: 0xFF_FFFE, signedPreKeyId: 9)
    }

    private func wire(_ address: SignalAddress) -> [String: Any] { ["name": address.name, "device": Int(address.deviceId)] }

    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Our bundle as the Python peer takes it (33-byte keys).
    private func wire(_ bundle: PreKeyBundle) -> [String: Any] {
        var fields: [String: Any] = [
            "registration_id": Int(bundle.registrationId), "device_id": Int(bundle.deviceId),
            "signed_prekey_id": Int(bundle.signedPreKeyId), "signed_prekey": bundle.signedPreKey.serialized,
            "signature": bundle.signedPreKeySignature, "identity": bundle.identityKey.serialized,
        ]
        if let preKey = bundle.preKey {
            fields["prekey_id"] = Int(preKey.id)
            fields["prekey"] = preKey.publicKey.serialized
        }
        return fields.mapValues { value -> Any in
            if let bytes = value as? [UInt8] { return Hex.encode(bytes) }
            return value
        }
    }

    @Test func pythonStartsASessionFromOurBundle() async throws {
        let peer = try AxolotlPeer()
        // Prekey ids wrapped: 0xFFFFFE, then 1, 2. Python gets id 1.
        #expect(us.store.preKeyIds == [1, 2, 0xFF_FFFE])
        _ = try await peer.call("process_bundle", ["address": wire(us.address), "bundle": wire(try us.bundle(preKeyId: 1))])

        let first = try await peer.call("encrypt", ["address": wire(us.address), "plaintext": Array("hello from python".utf8)])
        let second = try await peer.call("encrypt", ["address": wire(us.address), "plaintext": Array("second".utf8)])
        #expect(try first.string("type") == "pkmsg")
        #expect(try second.string("type") == "pkmsg")

        // Out of order: the second pkmsg first.
        let decryptedSecond = try us.engine.decrypt(SignalCiphertext(kind: .pkmsg, bytes: try second.bytes("ciphertext")), from: python)
        #expect(text(decryptedSecond.plaintext) == "second")
        #expect(decryptedSecond.consumedPreKeyId == 1)
        let decryptedFirst = try us.engine.decrypt(SignalCiphertext(kind: .pkmsg, bytes: try first.bytes("ciphertext")), from: python)
        #expect(text(decryptedFirst.plaintext) == "hello from python")
        #expect(us.store.preKeyIds == [2, 0xFF_FFFE])
        #expect(throws: SignalError.duplicateMessage) {
            try us.engine.decrypt(SignalCiphertext(kind: .pkmsg, bytes: try first.bytes("ciphertext")), from: python)
        }

        // Our answer is a msg; Python decrypts it and from then on sends msgs too.
        let reply = try us.engine.encrypt(Array("hello from swift".utf8), to: python)
        #expect(reply.kind == .msg)
        let read = try await peer.call("decrypt", ["address": wire(us.address), "type": reply.kind.rawValue, "ciphertext": reply.bytes])
        #expect(text(try read.bytes("plaintext")) == "hello from swift")

        let third = try await peer.call("encrypt", ["address": wire(us.address), "plaintext": Array("third".utf8)])
        #expect(try third.string("type") == "msg")
        let thirdRead = try us.engine.decrypt(SignalCiphertext(kind: .msg, bytes: try third.bytes("ciphertext")), from: python)
        #expect(text(thirdRead.plaintext) == "third")
    }

    @Test func weStartASessionFromPythonsBundle() async throws {
        let peer = try AxolotlPeer()
        let wireBundle = try await peer.call("bundle", ["prekey_id": 31337, "signed_prekey_id": 22])
        let bundle = PreKeyBundle(
            registrationId: UInt32(try wireBundle.int("registration_id")), deviceId: UInt16(try wireBundle.int("device_id")),
            preKey: .init(
                id: UInt32(try wireBundle.int("prekey_id")), publicKey: try SignalPublicKey(serialized: try wireBundle.bytes("prekey"))),
            signedPreKeyId: UInt32(try wireBundle.int("signed_prekey_id")),
            signedPreKey: try SignalPublicKey(serialized: try wireBundle.bytes("signed_prekey")),
            signedPreKeySignature: try wireBundle.bytes("signature"),
            identityKey: try SignalPublicKey(serialized: try wireBundle.bytes("identity")))
        try us.engine.processPreKeyBundle(bundle, for: python)

        // WhatsApp-padded plaintexts: Python returns them as they are, and they unpad on our side.
        let messages = ["one", "two", "three"].map { Array($0.utf8) }
        var ciphertexts: [SignalCiphertext] = []
        for message in messages { ciphertexts.append(try us.engine.encrypt(try WhatsAppPadding.add(to: message), to: python)) }
        #expect(ciphertexts.allSatisfy { $0.kind == .pkmsg && $0.bytes.first == 0x33 })
        for index in [0, 2, 1] {
            let read = try await peer.call(
                "decrypt", ["address": wire(us.address), "type": "pkmsg", "ciphertext": ciphertexts[index].bytes])
            #expect(try WhatsAppPadding.remove(from: try read.bytes("plaintext")) == messages[index])
        }
        #expect(try await peer.call("contains_prekey", ["id": 31337]).bool("present") == false)  // consumed

        let answer = try await peer.call("encrypt", ["address": wire(us.address), "plaintext": Array("python answers".utf8)])
        #expect(try answer.string("type") == "msg")
        let decrypted = try us.engine.decrypt(SignalCiphertext(kind: .msg, bytes: try answer.bytes("ciphertext")), from: python)
        #expect(text(decrypted.plaintext) == "python answers")

        let next = try us.engine.encrypt(Array("now a msg".utf8), to: python)
        #expect(next.kind == .msg)
        let read = try await peer.call("decrypt", ["address": wire(us.address), "type": "msg", "ciphertext": next.bytes])
        #expect(text(try read.bytes("plaintext")) == "now a msg")
    }

    @Test func senderKeysWorkBothWays() async throws {
        let peer = try AxolotlPeer()
        let theirs = SenderKeyName(groupId: Self.group, sender: python)
        let ours = SenderKeyName(groupId: Self.group, sender: us.address)
        let theirsOnTheWire: [String: Any] = ["group": Self.group, "sender": wire(python)]
        let oursOnTheWire: [String: Any] = ["group": Self.group, "sender": wire(us.address)]

        // Python → us: distribution message, then three skmsgs read out of order, then a replay.
        let distribution = try await peer.call("group_create", theirsOnTheWire).bytes("skdm")
        #expect(distribution.first == 0x33)
        #expect(try us.engine.processSenderKeyDistributionMessage(distribution, from: theirs))
        var skmsgs: [[UInt8]] = []
        for index in 0..<3 {
            let request = theirsOnTheWire.merging(["plaintext": Array("py\(index)".utf8)]) { $1 }
            skmsgs.append(try await peer.call("group_encrypt", request).bytes("ciphertext"))
        }
        for index in [2, 0, 1] {
            #expect(text(try us.engine.groupDecrypt(skmsgs[index], from: theirs)) == "py\(index)")
        }
        #expect(throws: SignalError.duplicateMessage) { try us.engine.groupDecrypt(skmsgs[1], from: theirs) }

        // Us → Python.
        let ourDistribution = try us.engine.senderKeyDistributionMessage(for: ours)
        _ = try await peer.call("group_process", oursOnTheWire.merging(["skdm": ourDistribution]) { $1 })
        for index in 0..<3 {
            let skmsg = try us.engine.groupEncrypt(Array("swift\(index)".utf8), as: ours)
            let read = try await peer.call("group_decrypt", oursOnTheWire.merging(["ciphertext": skmsg]) { $1 })
            #expect(text(try read.bytes("plaintext")) == "swift\(index)")
        }
    }

    @Test func pythonReadsOurStoredRecordsAndVerifiesOurSignature() async throws {
        let peer = try AxolotlPeer()
        for record in us.preKeys {
            let parsed = try await peer.call("parse_prekey_record", ["record": record.serialized])
            #expect(try parsed.int("id") == Int(record.id))
            #expect(try parsed.bytes("public") == record.publicKey.serialized)
        }
        let signed = us.signedPreKey
        let parsed = try await peer.call("parse_signed_prekey_record", ["record": signed.serialized])
        #expect(try parsed.int("id") == 9)
        #expect(try parsed.bytes("public") == signed.publicKey.serialized)
        #expect(try parsed.bytes("signature") == signed.signature)
        #expect(try parsed.int("timestamp") == Int(signed.timestamp))

        let identity = us.store.identityKeyPair.publicKey.serialized
        let valid = try await peer.call(
            "verify_signature", ["public": identity, "message": signed.publicKey.serialized, "signature": signed.signature])
        #expect(try valid.bool("valid"))
        var forged = signed.signature
        forged[0] ^= 1
        let invalid = try await peer.call(
            "verify_signature", ["public": identity, "message": signed.publicKey.serialized, "signature": forged])
        #expect(try invalid.bool("valid") == false)
    }
}
