import Testing
import WASignal

/// Peer identity changes: reported and accepted by default (WhatsApp's behaviour), refused without
/// side effects under strict trust on first use.
@Suite struct IdentityTrustTests {
    let bob: Party

    init() throws {
        bob = try Party(.phoneNumber("12025550101", device: 0), preKeyCount: 4)
    }

    /// A party that claims `address` with a brand-new identity (the peer reinstalled).
    private func reinstall(_ address: SignalAddress) throws -> Party { try Party(address) }

    @Test func aChangedIdentityIsAcceptedAndReported() throws {
        let alice = try Party(.phoneNumber("12025550100"))
        try alice.engine.processPreKeyBundle(try bob.bundle(preKeyId: 1), for: bob.address)
        let first = try bob.engine.decrypt(try alice.send("hi", to: bob), from: alice.address)
        #expect(first.identityChange == nil)  // first contact is not a change
        #expect(bob.store.identity(for: alice.address) == alice.store.identityKeyPair.publicKey)

        let reinstalled = try reinstall(alice.address)
        try reinstalled.engine.processPreKeyBundle(try bob.bundle(preKeyId: 2), for: bob.address)
        let second = try bob.engine.decrypt(try reinstalled.send("new phone", to: bob), from: alice.address)
        #expect(String(decoding: second.plaintext, as: UTF8.self) == "new phone")
        let change = try #require(second.identityChange)
        #expect(change.address == alice.address)
        #expect(change.previous == alice.store.identityKeyPair.publicKey)
        #expect(change.current == reinstalled.store.identityKeyPair.publicKey)
        #expect(bob.store.identity(for: alice.address) == change.current)
        #expect(bob.store.takeChanges().identities.upserts[alice.address] == change.current)
    }

    @Test func theInitiatorSeesTheChangeWhenProcessingTheNewBundle() throws {
        let alice = try Party(.phoneNumber("12025550100"))
        #expect(try alice.engine.processPreKeyBundle(try bob.bundle(preKeyId: 1), for: bob.address) == nil)
        let newBob = try reinstall(bob.address)
        let change = try alice.engine.processPreKeyBundle(try newBob.bundle(preKeyId: 1), for: bob.address)
        #expect(change?.previous == bob.store.identityKeyPair.publicKey)
        #expect(change?.current == newBob.store.identityKeyPair.publicKey)
    }

    @Test func strictTrustRefusesAChangeAndLeavesEverythingAsItWas() throws {
        let strictBob = try Party(.phoneNumber("12025550102"), preKeyCount: 4, trustPolicy: .rejectChanges)
        let alice = try Party(.phoneNumber("12025550100"))
        try alice.engine.processPreKeyBundle(try strictBob.bundle(preKeyId: 1), for: strictBob.address)
        _ = try strictBob.receive(try alice.send("hi", to: strictBob), from: alice)
        let sessionBefore = strictBob.store.session(for: alice.address)
        _ = strictBob.store.takeChanges()

        let reinstalled = try reinstall(alice.address)
        try reinstalled.engine.processPreKeyBundle(try strictBob.bundle(preKeyId: 2), for: strictBob.address)
        let pkmsg = try reinstalled.send("let me in", to: strictBob)
        #expect(throws: SignalError.untrustedIdentity) { try strictBob.engine.decrypt(pkmsg, from: alice.address) }
        #expect(strictBob.store.session(for: alice.address) == sessionBefore)
        #expect(strictBob.store.preKey(id: 2) != nil)
        #expect(strictBob.store.takeChanges().isEmpty)

        // Once the caller accepts the key, the same message goes through.
        let accepted = strictBob.store.saveIdentity(reinstalled.store.identityKeyPair.publicKey, for: alice.address)
        #expect(accepted?.previous == alice.store.identityKeyPair.publicKey)
        #expect(try strictBob.receive(pkmsg, from: alice) == "let me in")
    }

    @Test func strictTrustRefusesABundleWithAChangedIdentity() throws {
        let alice = try Party(.phoneNumber("12025550100"), trustPolicy: .rejectChanges)
        try alice.engine.processPreKeyBundle(try bob.bundle(preKeyId: 1), for: bob.address)
        let newBob = try reinstall(bob.address)
        #expect(throws: SignalError.untrustedIdentity) {
            try alice.engine.processPreKeyBundle(try newBob.bundle(preKeyId: 1), for: bob.address)
        }
        #expect(alice.store.identity(for: bob.address) == bob.store.identityKeyPair.publicKey)
    }
}
