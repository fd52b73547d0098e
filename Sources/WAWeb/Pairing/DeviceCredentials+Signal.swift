import WAGateCrypto
import WASignal

extension DeviceCredentials {
    /// The credentials' identity key as the Signal layer holds it.
    /// - Throws: `SignalError.invalidKey` when the stored private key is malformed.
    public func signalIdentity() throws -> IdentityKeyPair {
        try IdentityKeyPair(privateKey: identityKey.privateKey)
    }

    /// The signed prekey announced at registration, as a Signal record: restore it into the account's
    /// `SignalStore` so pkmsgs built on the bundle the server hands out decrypt.
    /// - Parameter timestamp: creation time in milliseconds (not sent anywhere; 0 when unknown).
    /// - Throws: `SignalError` when a stored key or the signature is malformed.
    public func signedPreKeyRecord(timestamp: UInt64 = 0) throws -> SignedPreKeyRecord {
        try SignedPreKeyRecord(
            id: signedPreKey.id, privateKey: signedPreKey.keyPair.privateKey, signature: signedPreKey.signature, timestamp: timestamp)
    }

    /// A Signal store holding the credentials' identity, registration id and signed prekey (the
    /// one-time prekeys, sessions and sender keys are restored by the caller).
    /// - Throws: `SignalError` when a stored key is malformed.
    public func makeSignalStore() throws -> SignalStore {
        let store = SignalStore(identity: try signalIdentity(), registrationId: registrationID)
        store.restoreSignedPreKey(try signedPreKeyRecord())
        return store
    }
}
