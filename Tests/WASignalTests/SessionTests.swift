import Testing
import WASignal

/// Pairwise sessions between two Swift parties: X3DH from a bundle, the pkmsg → msg switch, the double
/// ratchet in both directions, out-of-order and duplicate delivery, prekey consumption.
@Suite struct SessionTests {
    let alice: Party
    let bob: Party

    init() throws {
        alice = try Party(.phoneNumber("12025550100", device: 0))
        bob = try Party(.lid("123456789012345", device: 3))
    }

    @Test func pkmsgUntilThePeerAnswersThenMsgBothWays() throws {
        try alice.engine.processPreKeyBundle(try bob.bundle(preKeyId: 2), for: bob.address)
        #expect(alice.engine.hasSession(with: bob.address))

        let first = try alice.send("hello bob", to: bob)
        let second = try alice.send("still there?", to: bob)
        #expect(first.kind == .pkmsg)
        #expect(second.kind == .pkmsg)  // no answer yet: still a prekey message
        #expect(first.bytes.first == 0x33)
        #expect(try bob.receive(first, from: alice) == "hello bob")
        #expect(try bob.receive(second, from: alice) == "still there?")

        let reply = try bob.send("hi alice", to: alice)
        #expect(reply.kind == .msg)  // Bob's session was built from Alice's pkmsg
        #expect(try alice.receive(reply, from: bob) == "hi alice")

        let third = try alice.send("now a msg", to: bob)
        #expect(third.kind == .msg)
        #expect(try bob.receive(third, from: alice) == "now a msg")
        for round in 0..<3 {
            #expect(try alice.receive(try bob.send("b\(round)", to: alice), from: bob) == "b\(round)")
            #expect(try bob.receive(try alice.send("a\(round)", to: bob), from: alice) == "a\(round)")
        }
    }

    @Test func theConsumedOneTimePrekeyIsReportedAndDeleted() throws {
        try alice.engine.processPreKeyBundle(try bob.bundle(preKeyId: 2), for: bob.address)
        let decrypted = try bob.engine.decrypt(try alice.send("x", to: bob), from: alice.address)
        #expect(decrypted.consumedPreKeyId == 2)
        #expect(bob.store.preKey(id: 2) == nil)
        #expect(bob.store.preKeyIds == [1, 3])
        #expect(bob.store.takeChanges().preKeys.deletions == [2])

        // Later prekey messages of the same session consume nothing more.
        let again = try bob.engine.decrypt(try alice.send("y", to: bob), from: alice.address)
        #expect(again.consumedPreKeyId == nil)
        #expect(bob.store.preKeyIds == [1, 3])
    }

    @Test func aBundleWithoutOneTimePrekeyWorks() throws {
        try alice.engine.processPreKeyBundle(try bob.bundle(preKeyId: nil), for: bob.address)
        let decrypted = try bob.engine.decrypt(try alice.send("no one-time key", to: bob), from: alice.address)
        #expect(String(decoding: decrypted.plaintext, as: UTF8.self) == "no one-time key")
        #expect(decrypted.consumedPreKeyId == nil)
        #expect(bob.store.preKeyIds == [1, 2, 3])
    }

    @Test func outOfOrderMessagesDecrypt() throws {
        try alice.engine.processPreKeyBundle(try bob.bundle(preKeyId: 1), for: bob.address)
        #expect(try bob.receive(try alice.send("setup", to: bob), from: alice) == "setup")
        #expect(try alice.receive(try bob.send("ack", to: alice), from: bob) == "ack")

        let messages = try (0..<6).map { try alice.send("m\($0)", to: bob) }
        for index in [5, 0, 3, 1, 4, 2] {
            #expect(try bob.receive(messages[index], from: alice) == "m\(index)")
        }
        // Across a ratchet step: Bob answers, Alice's old-chain message arrives after the new one.
        let oldChain = try alice.send("old chain", to: bob)
        #expect(try alice.receive(try bob.send("ratchet", to: alice), from: bob) == "ratchet")
        let newChain = try alice.send("new chain", to: bob)
        #expect(try bob.receive(newChain, from: alice) == "new chain")
        #expect(try bob.receive(oldChain, from: alice) == "old chain")
    }

    @Test func aDuplicateIsRejectedAsDuplicate() throws {
        try alice.engine.processPreKeyBundle(try bob.bundle(preKeyId: 1), for: bob.address)
        let pkmsg = try alice.send("once", to: bob)
        #expect(try bob.receive(pkmsg, from: alice) == "once")
        #expect(throws: SignalError.duplicateMessage) { try bob.engine.decrypt(pkmsg, from: alice.address) }

        #expect(try alice.receive(try bob.send("ack", to: alice), from: bob) == "ack")
        let msg = try alice.send("twice", to: bob)
        #expect(msg.kind == .msg)
        #expect(try bob.receive(msg, from: alice) == "twice")
        _ = bob.store.takeChanges()
        #expect(throws: SignalError.duplicateMessage) { try bob.engine.decrypt(msg, from: alice.address) }
        #expect(bob.store.takeChanges().isEmpty)  // a failed decrypt changes nothing
    }

    @Test func noSessionIsReportedBothWays() throws {
        #expect(throws: SignalError.noSession) { try alice.send("who?", to: bob) }
        try alice.engine.processPreKeyBundle(try bob.bundle(preKeyId: 1), for: bob.address)
        _ = try bob.receive(try alice.send("setup", to: bob), from: alice)
        let msg = try bob.send("to a stranger", to: alice)
        let carol = try Party(.phoneNumber("12025550199"))
        #expect(throws: SignalError.noSession) { try carol.engine.decrypt(msg, from: bob.address) }
    }

    @Test func aPkmsgNamingAPrekeyWeNoLongerHaveFailsWithInvalidKeyId() throws {
        try alice.engine.processPreKeyBundle(try bob.bundle(preKeyId: 3), for: bob.address)
        bob.store.removePreKey(id: 3)
        _ = bob.store.takeChanges()
        #expect(throws: SignalError.invalidKeyId) { try bob.engine.decrypt(try alice.send("late", to: bob), from: alice.address) }
        #expect(bob.store.session(for: alice.address) == nil)
        #expect(bob.store.takeChanges().isEmpty)
    }

    @Test func aBundleWithABadSignatureIsRefused() throws {
        let good = try bob.bundle(preKeyId: 1)
        var signature = good.signedPreKeySignature
        signature[10] ^= 0x01
        let forged = PreKeyBundle(
            registrationId: good.registrationId, deviceId: good.deviceId, preKey: good.preKey, signedPreKeyId: good.signedPreKeyId,
            signedPreKey: good.signedPreKey, signedPreKeySignature: signature, identityKey: good.identityKey)
        #expect(throws: SignalError.invalidKey) { try alice.engine.processPreKeyBundle(forged, for: bob.address) }
        #expect(!alice.engine.hasSession(with: bob.address))

        let short = PreKeyBundle(
            registrationId: good.registrationId, deviceId: good.deviceId, preKey: nil, signedPreKeyId: good.signedPreKeyId,
            signedPreKey: good.signedPreKey, signedPreKeySignature: Array(signature.prefix(63)), identityKey: good.identityKey)
        #expect(throws: SignalError.invalidKey) { try alice.engine.processPreKeyBundle(short, for: bob.address) }
    }

    @Test func aNewBundleReplacesTheSessionAndInFlightMessagesStillDecrypt() throws {
        try alice.engine.processPreKeyBundle(try bob.bundle(preKeyId: 1), for: bob.address)
        _ = try bob.receive(try alice.send("setup", to: bob), from: alice)
        let inFlight = try bob.send("sent before alice re-keyed", to: alice)

        try alice.engine.processPreKeyBundle(try bob.bundle(preKeyId: 2), for: bob.address)
        let rekeyed = try alice.send("fresh session", to: bob)
        #expect(rekeyed.kind == .pkmsg)
        #expect(try bob.receive(rekeyed, from: alice) == "fresh session")
        #expect(try alice.receive(inFlight, from: bob) == "sent before alice re-keyed")  // archived state
    }
}
