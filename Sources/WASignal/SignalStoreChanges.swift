/// What changed in a `SignalStore` since the previous `takeChanges()`: per kind of entry, the keys to
/// write (with their new values) and the keys to delete.
///
/// Changes coalesce: writing a key twice keeps the last value, deleting a written key turns the write
/// into a deletion and writing a deleted key turns the deletion into a write, so every key is in at
/// most one of `upserts` and `deletions` and applying the set in any order gives the store's state.
/// The caller persists the set in the same database transaction as the message whose processing
/// produced it (DESIGN §1: a crash must never keep a message without the ratchet state it advanced,
/// nor the other way round).
///
/// Our own identity key pair and registration id are not in here: they are created once, at pairing,
/// and persisted with the account's credentials.
///
/// ```swift
/// let decrypted = try engine.decrypt(ciphertext, from: sender)
/// let changes = engine.store.takeChanges()   // session upsert, maybe a prekey deletion
/// try await database.commit(message: decrypted.plaintext, signal: changes)
/// ```
public struct SignalStoreChanges: Sendable, Equatable {
    /// The changes of one kind of entry.
    public struct Changes<Key: Hashable & Sendable, Value: Sendable & Equatable>: Sendable, Equatable {
        /// Keys whose entry is new or replaced, with the value to store.
        public private(set) var upserts: [Key: Value] = [:]
        /// Keys whose entry was removed.
        public private(set) var deletions: Set<Key> = []

        /// An empty change list.
        public init() {}

        /// True when nothing of this kind changed.
        public var isEmpty: Bool { upserts.isEmpty && deletions.isEmpty }

        mutating func upsert(_ value: Value, for key: Key) {
            deletions.remove(key)
            upserts[key] = value
        }

        mutating func delete(_ key: Key) {
            upserts.removeValue(forKey: key)
            deletions.insert(key)
        }
    }

    /// Trusted identity keys of peer devices.
    public internal(set) var identities = Changes<SignalAddress, SignalPublicKey>()
    /// One-time prekeys (a deletion is a prekey a pkmsg consumed, or one the caller removed).
    public internal(set) var preKeys = Changes<UInt32, PreKeyRecord>()
    /// Signed prekeys.
    public internal(set) var signedPreKeys = Changes<UInt32, SignedPreKeyRecord>()
    /// Pairwise sessions.
    public internal(set) var sessions = Changes<SignalAddress, SessionRecord>()
    /// Sender key records (groups).
    public internal(set) var senderKeys = Changes<SenderKeyName, SenderKeyRecord>()

    /// An empty change set.
    public init() {}

    /// True when nothing changed.
    public var isEmpty: Bool {
        identities.isEmpty && preKeys.isEmpty && signedPreKeys.isEmpty && sessions.isEmpty && senderKeys.isEmpty
    }
}
