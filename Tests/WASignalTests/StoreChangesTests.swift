import Testing
import WASignal

/// The store's change set: exactly the entries an operation advanced, nothing for failed operations,
/// and enough to rebuild an equivalent store elsewhere (what persistence relies on).
@Suite struct StoreChangesTests {
    let alice: Party
    let bob: Party

    init() throws {
        alice = try Party(.phoneNumber("12025550100"))
        bob = try Party(.lid("99887766", device: 2))
    }

    @Test func decryptingAPkmsgChangesTheSessionTheIdentityAndThePrekey() throws {
        try alice.engine.processPreKeyBundle(try bob.bundle(preKeyId: 2), for: bob.address)
        let aliceChanges = alice.store.takeChanges()
        #expect(Set(aliceChanges.sessions.upserts.keys) == [bob.address])
        #expect(aliceChanges.identities.upserts == [bob.address: bob.store.identityKeyPair.publicKey])
        #expect(aliceChanges.preKeys.isEmpty && aliceChanges.signedPreKeys.isEmpty && aliceChanges.senderKeys.isEmpty)

        let pkmsg = try alice.send("hello", to: bob)
        #expect(Set(alice.store.takeChanges().sessions.upserts.keys) == [bob.address])  // the sending chain advanced

        _ = try bob.engine.decrypt(pkmsg, from: alice.address)
        let bobChanges = bob.store.takeChanges()
        #expect(bobChanges.sessions.upserts[alice.address] == bob.store.session(for: alice.address))
        #expect(bobChanges.identities.upserts == [alice.address: alice.store.identityKeyPair.publicKey])
        #expect(bobChanges.preKeys.deletions == [2])
        #expect(bobChanges.preKeys.upserts.isEmpty)
        #expect(bob.store.takeChanges().isEmpty)  // taken: the list starts over
    }

    @Test func aFailedOperationLeavesNoChangesAndNoState() throws {
        try alice.engine.processPreKeyBundle(try bob.bundle(preKeyId: 1), for: bob.address)
        var pkmsg = try alice.send("hello", to: bob).bytes
        // The pkmsg protobuf ends with the inner message (field 4), then registrationId (field 5, tag
        // 0x28, varint) and signedPreKeyId (field 6, tag 0x30, here 1): flip the inner MAC's last byte.
        let registrationCount = alice.store.registrationId < 128 ? 1 : 2
        try #require(pkmsg.suffix(2) == [0x30, 0x01] && pkmsg[pkmsg.count - 3 - registrationCount] == 0x28)
        pkmsg[pkmsg.count - 4 - registrationCount] ^= 0xFF
        #expect(throws: SignalError.invalidMessage) {
            try bob.engine.decrypt(SignalCiphertext(kind: .pkmsg, bytes: pkmsg), from: alice.address)
        }
        // The identity was saved and the session built inside the call, but the call failed: all dropped.
        #expect(bob.store.takeChanges().isEmpty)
        #expect(bob.store.identity(for: alice.address) == nil)
        #expect(bob.store.session(for: alice.address) == nil)
        #expect(bob.store.preKey(id: 1) != nil)
    }

    @Test func changesCoalescePerKey() throws {
        let extra = try bob.engine.context.generatePreKeys(startingAt: 10, count: 2)
        bob.store.storePreKeys(extra)
        bob.store.removePreKey(id: 10)
        bob.store.removePreKey(id: 1)
        bob.store.storePreKeys([bob.preKeys[0]])  // id 1 back
        let changes = bob.store.takeChanges().preKeys
        #expect(changes.upserts == [11: extra[1], 1: bob.preKeys[0]])
        #expect(changes.deletions == [10])
    }

    @Test func restoringIsNotAChange() throws {
        let fresh = SignalStore(identity: bob.store.identityKeyPair, registrationId: bob.store.registrationId)
        fresh.restorePreKey(bob.preKeys[0])
        fresh.restoreSignedPreKey(bob.signedPreKey)
        fresh.restoreIdentity(alice.store.identityKeyPair.publicKey, for: alice.address)
        #expect(fresh.takeChanges().isEmpty)
        #expect(fresh.preKey(id: 1) == bob.preKeys[0])
    }

    @Test func aStoreRebuiltFromTheChangeSetsContinuesTheSession() throws {
        // Persist Bob's state the way a database would: apply every change set to a "table".
        var sessions: [SignalAddress: [UInt8]] = [:]
        var identities: [SignalAddress: [UInt8]] = [:]
        var preKeys: [UInt32: [UInt8]] = [:]
        for record in bob.preKeys { preKeys[record.id] = record.serialized }
        func persist(_ changes: SignalStoreChanges) {
            for (address, record) in changes.sessions.upserts { sessions[address] = record.serialized }
            for address in changes.sessions.deletions { sessions[address] = nil }
            for (address, key) in changes.identities.upserts { identities[address] = key.raw }
            for (id, record) in changes.preKeys.upserts { preKeys[id] = record.serialized }
            for id in changes.preKeys.deletions { preKeys[id] = nil }
        }

        try alice.engine.processPreKeyBundle(try bob.bundle(preKeyId: 3), for: bob.address)
        _ = try bob.receive(try alice.send("one", to: bob), from: alice)
        persist(bob.store.takeChanges())
        let reply = try bob.send("two", to: alice)
        persist(bob.store.takeChanges())
        #expect(try alice.receive(reply, from: bob) == "two")
        #expect(preKeys.keys.sorted() == [1, 2])

        // A new process: a new context and store, restored from the "tables".
        let identity = try IdentityKeyPair(privateKey: bob.store.identityKeyPair.privateKey)
        let restored = SignalStore(identity: identity, registrationId: bob.store.registrationId)
        restored.restoreSignedPreKey(try SignedPreKeyRecord(serialized: bob.signedPreKey.serialized))
        for (_, blob) in preKeys { restored.restorePreKey(try PreKeyRecord(serialized: blob)) }
        for (address, blob) in sessions { restored.restoreSession(try SessionRecord(serialized: blob), for: address) }
        for (address, raw) in identities { restored.restoreIdentity(try SignalPublicKey(raw: raw), for: address) }
        let bobAgain = try SignalEngine(store: restored)

        let three = try alice.send("three", to: bob)
        #expect(String(decoding: try bobAgain.decrypt(three, from: alice.address).plaintext, as: UTF8.self) == "three")
        let four = try bobAgain.encrypt(Array("four".utf8), to: alice.address)
        #expect(try alice.receive(four, from: bob) == "four")
    }
}
