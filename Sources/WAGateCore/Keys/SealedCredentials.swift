import Logging
import WAGateCrypto
import WAGateStore

/// An account's credentials (noise key, identity key, ...), sealed with the account's data key before
/// they reach PostgreSQL.
public struct SealedCredentials: Sendable {
    /// What loading found.
    public enum Loaded: Sendable {
        /// Every stored credential opened (possibly none are stored).
        case values([String: SecretBytes])
        /// Stored credentials exist but do not open with the account's data key (the key was deleted
        /// or replaced, or the rows were altered).
        case unreadable(reason: String)
    }

    static let table = "device_credentials"
    private let keys: AccountKeys
    private let repository: CredentialRepository

    /// Creates the facade.
    public init(keys: AccountKeys, repository: CredentialRepository) {
        self.keys = keys
        self.repository = repository
    }

    /// Seals and stores one credential.
    public func put(_ value: SecretBytes, name: String, account: AccountID, authDir: String?) async throws {
        let key = try await keys.dataKey(for: account, authDir: authDir)
        let sealed = try value.withUnsafeBytes {
            try Sealer.seal($0, key: key, context: SealContext(table: Self.table, accountID: account.description, key: name))
        }
        try await repository.put(accountID: account.description, name: name, sealed: sealed)
    }

    /// Loads and opens every stored credential of an account.
    public func load(account: AccountID, authDir: String?) async throws -> Loaded {
        // The key first: an account gets its data key the first time it starts, so the key (and the
        // master key that wraps it) exist before anything is sealed with them.
        let key = try await keys.dataKey(for: account, authDir: authDir)
        let rows = try await repository.all(accountID: account.description)
        var values: [String: SecretBytes] = [:]
        for row in rows {
            do {
                var plain = try Sealer.open(
                    row.sealed, key: key, context: SealContext(table: Self.table, accountID: account.description, key: row.name))
                defer { SecretBytes.wipe(&plain) }
                values[row.name] = try SecretBytes(copying: plain)
            } catch let error as CryptoError where error.code == .authenticationFailed || error.code == .unsupportedVersion {
                let whereKey = authDir.map { "the data key in \($0)/\(AccountKeys.keyFileName)" } ?? "the account's wrapped data key"
                return .unreadable(
                    reason: "stored credential \"\(row.name)\" does not open with \(whereKey) (the key was deleted or replaced, or the row was altered)")
            }
        }
        return .values(values)
    }

    /// Deletes every stored credential of an account.
    @discardableResult
    public func discard(account: AccountID) async throws -> Int {
        try await repository.deleteAll(accountID: account.description)
    }
}
