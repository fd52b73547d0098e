import Foundation
import WAGateCrypto

/// The keys a companion device generates before its first connection (reference §4.1) and keeps for
/// every login after (§9).
///
/// They are created, and stored sealed, before the first QR code is shown: the QR carries the noise
/// and identity public keys and the adv secret, so a QR shown for keys that were not persisted would
/// link a device nobody can log in as.
public struct DeviceCredentials: Sendable {
    /// The Noise static key pair; its public key is in the QR and identifies the device to the server.
    public var noiseKey: Curve25519.KeyPair
    /// The Signal identity key pair.
    public var identityKey: Curve25519.KeyPair
    /// Signal registration id, 1...16380 (libsignal's convention), sent as 4 bytes big-endian.
    public var registrationID: UInt32
    /// The signed prekey (id 1 at first) and its XEdDSA signature by the identity key over `05 ‖ pub`.
    public var signedPreKey: SignedPreKey
    /// 32 random bytes shared with the phone through the QR; it authenticates pair-success (HMAC).
    public var advSecret: SecretBytes

    /// A signed prekey.
    public struct SignedPreKey: Sendable {
        /// The prekey id (< 2^24).
        public var id: UInt32
        /// The key pair.
        public var keyPair: Curve25519.KeyPair
        /// XEdDSA signature by the identity key over `05 ‖ publicKey`.
        public var signature: [UInt8]

        /// The message the signature covers: Signal's type-prefixed public key.
        public var signedMessage: [UInt8] { [0x05] + keyPair.publicKey }
    }

    /// Creates credentials from existing parts.
    public init(
        noiseKey: Curve25519.KeyPair, identityKey: Curve25519.KeyPair, registrationID: UInt32, signedPreKey: SignedPreKey,
        advSecret: SecretBytes
    ) {
        self.noiseKey = noiseKey
        self.identityKey = identityKey
        self.registrationID = registrationID
        self.signedPreKey = signedPreKey
        self.advSecret = advSecret
    }

    /// Fresh credentials for a new device.
    public static func generate() throws -> DeviceCredentials {
        let identity = try Curve25519.KeyPair.generate()
        let preKey = try Curve25519.KeyPair.generate()
        let signature = try XEdDSA.sign([0x05] + preKey.publicKey, privateKey: identity.privateKey)
        var idBytes = try SecretBytes.random(count: 4).copyBytes()
        let raw = idBytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        SecretBytes.wipe(&idBytes)
        return DeviceCredentials(
            noiseKey: try .generate(), identityKey: identity, registrationID: 1 + raw % 16380,
            signedPreKey: SignedPreKey(id: 1, keyPair: preKey, signature: signature),
            advSecret: try .random(count: 32))
    }

    /// Whether the signed prekey's signature verifies with the identity key (checked after loading, so
    /// a corrupted store is noticed before the server is told about a bad prekey).
    public var signedPreKeyIsValid: Bool {
        XEdDSA.isValidSignature(signedPreKey.signature, for: signedPreKey.signedMessage, publicKey: identityKey.publicKey)
    }

    /// The text of the QR code for server ref `ref` (reference §4.2): the linked-devices URL followed by
    /// `ref,noiseKeyB64,identityKeyB64,advSecretB64,platform`, standard base64 with padding.
    /// - Parameter platform: the companion web-client-type code ("1" Chrome, ..., "9" other web client).
    public func qrText(ref: String, platform: String = "9") -> String {
        let adv = Data(advSecret.copyBytes()).base64EncodedString()
        return "https://wa.me/settings/linked_devices#"
            + [ref, Data(noiseKey.publicKey).base64EncodedString(), Data(identityKey.publicKey).base64EncodedString(), adv, platform]
            .joined(separator: ",")
    }
}
