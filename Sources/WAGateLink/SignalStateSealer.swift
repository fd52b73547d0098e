import Foundation
import WAGateCore
import WAGateCrypto
import WAGateStore
import WASignal

/// Seals an account's Signal state for `signal_state` and opens it again: each value bound to its
/// table, account, kind and key, so rows cannot be swapped or moved between accounts.
struct SignalStateSealer: Sendable {
    let key: SecretBytes
    let account: AccountID

    static let table = "signal_state"

    func seal(kind: String, key rowKey: String, _ value: [UInt8]) throws -> SignalStateRow {
        SignalStateRow(
            kind: kind, key: rowKey,
            sealed: try Sealer.seal(value, key: key, context: SealContext(table: Self.table, accountID: account.description, key: "\(kind)/\(rowKey)")))
    }

    func open(_ row: SignalStateRow) throws -> [UInt8] {
        try Sealer.open(row.sealed, key: key, context: SealContext(table: Self.table, accountID: account.description, key: "\(row.kind)/\(row.key)"))
    }

    /// The sealed rows and deletions of a change set.
    func seal(_ changes: SignalStoreChanges) throws -> (upserts: [SignalStateRow], deletions: [(kind: String, key: String)]) {
        var upserts: [SignalStateRow] = []
        var deletions: [(kind: String, key: String)] = []
        for (address, key) in changes.identities.upserts { upserts.append(try seal(kind: "identity", key: address.description, key.serialized)) }
        deletions += changes.identities.deletions.map { ("identity", $0.description) }
        for (address, record) in changes.sessions.upserts { upserts.append(try seal(kind: "session", key: address.description, record.serialized)) }
        deletions += changes.sessions.deletions.map { ("session", $0.description) }
        for (id, record) in changes.preKeys.upserts { upserts.append(try seal(kind: "prekey", key: String(id), record.serialized)) }
        deletions += changes.preKeys.deletions.map { ("prekey", String($0)) }
        for (id, record) in changes.signedPreKeys.upserts {
            upserts.append(try seal(kind: "signed_prekey", key: String(id), record.serialized))
        }
        deletions += changes.signedPreKeys.deletions.map { ("signed_prekey", String($0)) }
        for (name, record) in changes.senderKeys.upserts { upserts.append(try seal(kind: "sender_key", key: name.description, record.serialized)) }
        deletions += changes.senderKeys.deletions.map { ("sender_key", $0.description) }
        return (upserts, deletions)
    }

    /// Loads persisted rows into a store (as restored state, not as changes).
    func restore(_ rows: [SignalStateRow], into store: SignalStore) throws {
        for row in rows {
            let value = try open(row)
            switch row.kind {
            case "identity": store.restoreIdentity(try SignalPublicKey(serialized: value), for: try SignalAddress(parsing: row.key))
            case "session": store.restoreSession(try SessionRecord(serialized: value), for: try SignalAddress(parsing: row.key))
            case "prekey": store.restorePreKey(try PreKeyRecord(serialized: value))
            case "signed_prekey": store.restoreSignedPreKey(try SignedPreKeyRecord(serialized: value))
            case "sender_key":
                // `group::name.device`; the group id itself never contains "::".
                guard let split = row.key.range(of: "::") else { continue }
                let name = SenderKeyName(
                    groupId: String(row.key[..<split.lowerBound]), sender: try SignalAddress(parsing: String(row.key[split.upperBound...])))
                store.restoreSenderKey(try SenderKeyRecord(serialized: value), for: name)
            default: continue
            }
        }
    }
}
