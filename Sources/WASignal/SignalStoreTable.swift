/// One kind of store entry: committed values, the writes of the library call in progress, and the
/// change list since the last `SignalStore.takeChanges()`.
///
/// Writes are staged and become visible to reads at once (the library reads back what it wrote within
/// one call), but they only reach `committed` and the change list on `commit()`. `rollback()` forgets
/// them: a call that failed half-way (an identity saved for a pkmsg whose inner message then failed
/// to decrypt) leaves no trace.
struct SignalStoreTable<Key: Hashable & Sendable, Value: Sendable & Equatable> {
    private(set) var committed: [Key: Value] = [:]
    /// nil value = staged deletion.
    private var staged: [Key: Value?] = [:]
    private(set) var changes = SignalStoreChanges.Changes<Key, Value>()

    /// The current value: staged first, then committed.
    subscript(key: Key) -> Value? {
        if let staged = staged[key] { return staged }
        return committed[key]
    }

    /// Every key that currently has a value.
    var keys: [Key] {
        var keys = Set(committed.keys)
        for (key, value) in staged {
            if value == nil { keys.remove(key) } else { keys.insert(key) }
        }
        return Array(keys)
    }

    /// Stages a write (nil = deletion).
    mutating func write(_ value: Value?, for key: Key) {
        // updateValue, not subscript assignment: assigning nil through the subscript would drop the
        // staged deletion instead of recording it.
        staged.updateValue(value, forKey: key)
    }

    /// Makes the staged writes permanent and records them as changes.
    mutating func commit() {
        for (key, value) in staged {
            if let value {
                committed[key] = value
                changes.upsert(value, for: key)
            } else {
                committed.removeValue(forKey: key)
                changes.delete(key)
            }
        }
        staged.removeAll()
    }

    /// Forgets the staged writes.
    mutating func rollback() {
        staged.removeAll()
    }

    /// Puts a value loaded from persistence into the cache: not a change.
    mutating func restore(_ value: Value, for key: Key) {
        committed[key] = value
    }

    /// Returns the change list and starts a new one.
    mutating func takeChanges() -> SignalStoreChanges.Changes<Key, Value> {
        defer { changes = SignalStoreChanges.Changes() }
        return changes
    }
}
