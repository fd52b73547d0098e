/// One account's Signal state in memory: our identity and registration id, the peers' trusted
/// identities, prekeys, signed prekeys, sessions and sender keys, plus the list of what changed.
///
/// The store is the cache the library's store callbacks read and write (bridged by `SignalEngine`).
/// Persistence is the caller's: load what an operation will need with the `restore…` methods (they
/// are not changes), run the operation, then persist `takeChanges()` in the same transaction as the
/// message. The callbacks run synchronously inside library calls and cannot wait for a database, so
/// **restore the peer's session, identity and sender key before the call**: an entry that is missing
/// from the cache looks like "never seen" to the library, which would start a fresh session.
///
/// Every library operation runs as a transaction on the store: its writes are staged and only kept
/// (and recorded as changes) when the operation succeeds.
///
/// **Trust policy.** WhatsApp identities change legitimately (reinstall, new phone), and WhatsApp's
/// clients accept the new key. Under the default `.acceptChanges` the store does the same, but the
/// change is reported, never silent: `SignalEngine` returns an `IdentityChange` from the operation that
/// saw it, so the caller can log it, notify and migrate. `.rejectChanges` is strict trust on first use:
/// a changed key fails the operation with `SignalError.untrustedIdentity` and leaves everything as it
/// was, until the caller accepts the key with `saveIdentity(_:for:)`.
///
/// > Important: Not `Sendable`, and not thread-safe: one account's actor owns its store (through its
/// > `SignalEngine`) and uses it from that actor only. Only the `Sendable` values it returns
/// > (`SignalStoreChanges`, records, keys) leave that actor.
///
/// ```swift
/// let store = SignalStore(identity: identity, registrationId: registrationId)
/// store.restoreSignedPreKey(try SignedPreKeyRecord(serialized: row.signedPreKey))
/// if let blob = try await database.session(account, address) { store.restoreSession(try SessionRecord(serialized: blob), for: address) }
/// ```
public final class SignalStore {
    /// What to do when a peer device presents an identity key other than the stored one.
    public enum TrustPolicy: Sendable {
        /// Accept the new key and report an `IdentityChange` (WhatsApp's behaviour).
        case acceptChanges
        /// Refuse it: the operation throws `SignalError.untrustedIdentity`.
        case rejectChanges
    }

    /// Our identity key pair.
    public let identityKeyPair: IdentityKeyPair
    /// Our registration id.
    public let registrationId: UInt32
    /// The policy for changed peer identities.
    public var trustPolicy: TrustPolicy

    var identities = SignalStoreTable<SignalAddress, SignalPublicKey>()
    var preKeys = SignalStoreTable<UInt32, PreKeyRecord>()
    var signedPreKeys = SignalStoreTable<UInt32, SignedPreKeyRecord>()
    var sessions = SignalStoreTable<SignalAddress, SessionRecord>()
    var senderKeys = SignalStoreTable<SenderKeyName, SenderKeyRecord>()

    /// True while a library call runs on this store (its writes are staged).
    private(set) var inTransaction = false
    /// Identity changes seen by the library call in progress.
    var stagedIdentityChanges: [IdentityChange] = []
    /// One-time prekeys the library call in progress removed (consumed by a pkmsg).
    var stagedRemovedPreKeyIds: [UInt32] = []

    /// An empty store for our identity.
    /// - Parameters:
    ///   - identity: our identity key pair.
    ///   - registrationId: our registration id.
    ///   - trustPolicy: what to do with changed peer identities (default: accept and report).
    public init(identity: IdentityKeyPair, registrationId: UInt32, trustPolicy: TrustPolicy = .acceptChanges) {
        self.identityKeyPair = identity
        self.registrationId = registrationId
        self.trustPolicy = trustPolicy
    }

    // MARK: - Restoring persisted entries (not changes)

    /// Puts a peer device's persisted identity key into the cache.
    public func restoreIdentity(_ key: SignalPublicKey, for address: SignalAddress) {
        identities.restore(key, for: address)
    }

    /// Puts a persisted one-time prekey into the cache.
    public func restorePreKey(_ record: PreKeyRecord) {
        preKeys.restore(record, for: record.id)
    }

    /// Puts a persisted signed prekey into the cache.
    public func restoreSignedPreKey(_ record: SignedPreKeyRecord) {
        signedPreKeys.restore(record, for: record.id)
    }

    /// Puts a persisted session into the cache.
    public func restoreSession(_ record: SessionRecord, for address: SignalAddress) {
        sessions.restore(record, for: address)
    }

    /// Puts a persisted sender key record into the cache.
    public func restoreSenderKey(_ record: SenderKeyRecord, for name: SenderKeyName) {
        senderKeys.restore(record, for: name)
    }

    // MARK: - Reading

    /// The trusted identity key of a peer device, if known.
    public func identity(for address: SignalAddress) -> SignalPublicKey? { identities[address] }

    /// A one-time prekey, if we still have it.
    public func preKey(id: UInt32) -> PreKeyRecord? { preKeys[id] }

    /// The ids of the one-time prekeys in the cache, ascending.
    public var preKeyIds: [UInt32] { preKeys.keys.sorted() }

    /// A signed prekey, if we have it.
    public func signedPreKey(id: UInt32) -> SignedPreKeyRecord? { signedPreKeys[id] }

    /// The session with a peer device, if any.
    public func session(for address: SignalAddress) -> SessionRecord? { sessions[address] }

    /// The addresses we have sessions with.
    public var sessionAddresses: [SignalAddress] { sessions.keys }

    /// The sender key record of a (group, sender), if any.
    public func senderKey(for name: SenderKeyName) -> SenderKeyRecord? { senderKeys[name] }

    // MARK: - Changing (recorded in the change set)

    /// Adds (or replaces) one-time prekeys, e.g. fresh ones from `SignalContext.generatePreKeys`.
    public func storePreKeys(_ records: [PreKeyRecord]) {
        for record in records { preKeys.write(record, for: record.id) }
        preKeys.commit()
    }

    /// Removes a one-time prekey.
    public func removePreKey(id: UInt32) {
        preKeys.write(nil, for: id)
        preKeys.commit()
    }

    /// Adds (or replaces) a signed prekey.
    public func storeSignedPreKey(_ record: SignedPreKeyRecord) {
        signedPreKeys.write(record, for: record.id)
        signedPreKeys.commit()
    }

    /// Removes a signed prekey (some time after rotating to a new one).
    public func removeSignedPreKey(id: UInt32) {
        signedPreKeys.write(nil, for: id)
        signedPreKeys.commit()
    }

    /// Trusts `key` as `address`'s identity (e.g. to accept a change refused under `.rejectChanges`).
    /// - Returns: the change, when a different key was stored before.
    @discardableResult
    public func saveIdentity(_ key: SignalPublicKey, for address: SignalAddress) -> IdentityChange? {
        let change = identities[address].flatMap { $0 == key ? nil : IdentityChange(address: address, previous: $0, current: key) }
        identities.write(key, for: address)
        identities.commit()
        return change
    }

    /// Forgets a peer device's identity key.
    public func removeIdentity(for address: SignalAddress) {
        identities.write(nil, for: address)
        identities.commit()
    }

    /// Stores a session under an address, e.g. when moving a phone-number session to the peer's LID
    /// address (wa-md-protocol §10); remove the old one with `removeSession(for:)`.
    public func storeSession(_ record: SessionRecord, for address: SignalAddress) {
        sessions.write(record, for: address)
        sessions.commit()
    }

    /// Deletes the session with a peer device (the next message to it needs a new bundle).
    public func removeSession(for address: SignalAddress) {
        sessions.write(nil, for: address)
        sessions.commit()
    }

    /// Stores a sender key record under a name (e.g. when moving it to a LID sender address).
    public func storeSenderKey(_ record: SenderKeyRecord, for name: SenderKeyName) {
        senderKeys.write(record, for: name)
        senderKeys.commit()
    }

    /// Deletes a sender key record. For our own name this rotates our sender key: the next
    /// `SignalEngine.senderKeyDistributionMessage(for:)` creates a new key that must be redistributed.
    public func removeSenderKey(for name: SenderKeyName) {
        senderKeys.write(nil, for: name)
        senderKeys.commit()
    }

    /// Everything that changed since the previous call, emptying the list.
    public func takeChanges() -> SignalStoreChanges {
        var changes = SignalStoreChanges()
        changes.identities = identities.takeChanges()
        changes.preKeys = preKeys.takeChanges()
        changes.signedPreKeys = signedPreKeys.takeChanges()
        changes.sessions = sessions.takeChanges()
        changes.senderKeys = senderKeys.takeChanges()
        return changes
    }

    // MARK: - Transactions around library calls

    /// What a committed library call did besides writing entries.
    struct TransactionEvents {
        var identityChanges: [IdentityChange] = []
        var removedPreKeyIds: [UInt32] = []
    }

    /// Starts staging writes for a library call.
    func beginTransaction() {
        precondition(!inTransaction, "SignalStore: library calls do not nest")
        inTransaction = true
        stagedIdentityChanges = []
        stagedRemovedPreKeyIds = []
    }

    /// Keeps the staged writes (the call succeeded) and returns its events.
    func commitTransaction() -> TransactionEvents {
        identities.commit()
        preKeys.commit()
        signedPreKeys.commit()
        sessions.commit()
        senderKeys.commit()
        inTransaction = false
        return TransactionEvents(identityChanges: stagedIdentityChanges, removedPreKeyIds: stagedRemovedPreKeyIds)
    }

    /// Drops the staged writes (the call failed).
    func rollbackTransaction() {
        identities.rollback()
        preKeys.rollback()
        signedPreKeys.rollback()
        sessions.rollback()
        senderKeys.rollback()
        stagedIdentityChanges = []
        stagedRemovedPreKeyIds = []
        inTransaction = false
    }
}
