/// A peer device's published keys, from which we start a session with it (X3DH as initiator).
///
/// WhatsApp delivers one per device in the `encrypt` IQ's `<user>` children (wa-md-protocol §5.7):
/// `<registration>` (4 bytes big-endian), `<identity>` (32 bytes), `<skey>` (3-byte id, 32-byte key,
/// 64-byte signature) and an optional `<key>` (3-byte id, 32-byte key). Build the keys with
/// `SignalPublicKey(raw:)`.
public struct PreKeyBundle: Sendable, Equatable {
    /// A one-time prekey of the bundle.
    public struct PreKey: Sendable, Equatable {
        /// Its id (24-bit).
        public let id: UInt32
        /// Its public key.
        public let publicKey: SignalPublicKey

        /// A one-time prekey.
        public init(id: UInt32, publicKey: SignalPublicKey) {
            self.id = id
            self.publicKey = publicKey
        }
    }

    /// The peer's registration id.
    public let registrationId: UInt32
    /// The peer's device number.
    public let deviceId: UInt16
    /// The one-time prekey, when the server still had one (sessions work without it).
    public let preKey: PreKey?
    /// The signed prekey id.
    public let signedPreKeyId: UInt32
    /// The signed prekey.
    public let signedPreKey: SignalPublicKey
    /// The identity key's 64-byte XEdDSA signature over `signedPreKey.serialized`.
    public let signedPreKeySignature: [UInt8]
    /// The peer's identity key.
    public let identityKey: SignalPublicKey

    /// A bundle from its parts.
    public init(
        registrationId: UInt32, deviceId: UInt16, preKey: PreKey?, signedPreKeyId: UInt32, signedPreKey: SignalPublicKey,
        signedPreKeySignature: [UInt8], identityKey: SignalPublicKey
    ) {
        self.registrationId = registrationId
        self.deviceId = deviceId
        self.preKey = preKey
        self.signedPreKeyId = signedPreKeyId
        self.signedPreKey = signedPreKey
        self.signedPreKeySignature = signedPreKeySignature
        self.identityKey = identityKey
    }

    /// Our own bundle, as a peer would fetch it: from our identity, registration id and keys.
    /// - Parameters:
    ///   - identity: our identity public key.
    ///   - registrationId: our registration id.
    ///   - deviceId: our device number.
    ///   - preKey: one of our one-time prekeys, or nil.
    ///   - signedPreKey: our current signed prekey.
    public init(
        identity: SignalPublicKey, registrationId: UInt32, deviceId: UInt16, preKey: PreKeyRecord?, signedPreKey: SignedPreKeyRecord
    ) {
        self.init(
            registrationId: registrationId, deviceId: deviceId, preKey: preKey.map { PreKey(id: $0.id, publicKey: $0.publicKey) },
            signedPreKeyId: signedPreKey.id, signedPreKey: signedPreKey.publicKey, signedPreKeySignature: signedPreKey.signature,
            identityKey: identity)
    }
}
