/// A peer device's identity key changed: the peer reinstalled WhatsApp, or someone is in the middle.
///
/// WhatsApp (whatsmeow, Baileys) accepts the new key and carries on, and so does `SignalStore` under its
/// default `TrustPolicy.acceptChanges`, but it never does so silently: the operation that saw the
/// change returns this value so the caller can log it, tell the user ("security code changed") and
/// migrate whatever it keys by identity.
public struct IdentityChange: Sendable, Equatable {
    /// The device whose identity changed.
    public let address: SignalAddress
    /// The identity key we had stored.
    public let previous: SignalPublicKey
    /// The identity key the peer now uses (stored in its place).
    public let current: SignalPublicKey

    /// A change of `address`'s identity from `previous` to `current`.
    public init(address: SignalAddress, previous: SignalPublicKey, current: SignalPublicKey) {
        self.address = address
        self.previous = previous
        self.current = current
    }
}
