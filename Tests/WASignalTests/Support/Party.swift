import Testing
import WASignal

/// One Signal participant for the tests: a fresh identity, a store with one-time prekeys and a signed
/// prekey, and an engine on it.
final class Party {
    let address: SignalAddress
    let engine: SignalEngine
    let signedPreKey: SignedPreKeyRecord
    let preKeys: [PreKeyRecord]

    var store: SignalStore { engine.store }

    init(
        _ address: SignalAddress, preKeyCount: Int = 3, firstPreKeyId: UInt32 = 1, signedPreKeyId: UInt32 = 1,
        trustPolicy: SignalStore.TrustPolicy = .acceptChanges
    ) throws {
        let context = try SignalContext()
        let identity = try context.generateIdentityKeyPair()
        let store = SignalStore(identity: identity, registrationId: try context.generateRegistrationId(), trustPolicy: trustPolicy)
        preKeys = try context.generatePreKeys(startingAt: firstPreKeyId, count: preKeyCount)
        signedPreKey = try context.generateSignedPreKey(id: signedPreKeyId, identity: identity)
        store.storePreKeys(preKeys)
        store.storeSignedPreKey(signedPreKey)
        _ = store.takeChanges()
        self.address = address
        self.engine = try SignalEngine(store: store, context: context)
    }

    /// This party's bundle, with the one-time prekey `preKeyId` (nil: none).
    func bundle(preKeyId: UInt32? = nil) throws -> PreKeyBundle {
        let preKey = try preKeyId.map { id in try #require(store.preKey(id: id)) }
        return PreKeyBundle(
            identity: store.identityKeyPair.publicKey, registrationId: store.registrationId, deviceId: address.deviceId,
            preKey: preKey, signedPreKey: signedPreKey)
    }

    /// Encrypts `text` for `peer`.
    func send(_ text: String, to peer: Party) throws -> SignalCiphertext {
        try engine.encrypt(Array(text.utf8), to: peer.address)
    }

    /// Decrypts a message from `peer` and returns it as text.
    func receive(_ ciphertext: SignalCiphertext, from peer: Party) throws -> String {
        String(decoding: try engine.decrypt(ciphertext, from: peer.address).plaintext, as: UTF8.self)
    }
}
