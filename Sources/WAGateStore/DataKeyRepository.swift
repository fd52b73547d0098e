import Foundation

/// The `account_data_keys` table: each account's data key, wrapped by the master key.
///
/// The repository only moves bytes; wrapping and unwrapping happen in the caller with the key ring, so
/// PostgreSQL never sees an unwrapped key.
public struct DataKeyRepository: Sendable {
    /// One stored row.
    public struct Row: Sendable, Equatable {
        /// The account.
        public var accountID: String
        /// Fingerprint of the master key that wrapped it.
        public var kekID: String
        /// The sealed data key.
        public var wrapped: [UInt8]

        /// Creates a row.
        public init(accountID: String, kekID: String, wrapped: [UInt8]) {
            self.accountID = accountID
            self.kekID = kekID
            self.wrapped = wrapped
        }
    }

    private let pool: PGPool

    /// Creates a repository over `pool`.
    public init(pool: PGPool) { self.pool = pool }

    /// The wrapped key of `accountID`, if any.
    public func find(accountID: String) async throws -> Row? {
        let r = try await pool.query(
            "SELECT kek_id, wrapped_key FROM account_data_keys WHERE account_id = $1", [.text(accountID)])
        guard r.rowCount > 0, let kek = try r.string(row: 0, column: 0), let wrapped = try r.bytes(row: 0, column: 1) else {
            return nil
        }
        return Row(accountID: accountID, kekID: kek, wrapped: wrapped)
    }

    /// Stores a new wrapped key unless the account already has one, and returns the stored row: when
    /// two processes create a key for the same account at once, both end up using the same key.
    public func insertIfAbsent(_ row: Row) async throws -> Row {
        try await pool.transaction { conn in
            _ = try conn.execute(
                """
                INSERT INTO account_data_keys (account_id, kek_id, wrapped_key, created_at)
                VALUES ($1, $2, $3, now()) ON CONFLICT (account_id) DO NOTHING
                """, [.text(row.accountID), .text(row.kekID), .bytes(row.wrapped)])
            let r = try conn.query(
                "SELECT kek_id, wrapped_key FROM account_data_keys WHERE account_id = $1", [.text(row.accountID)])
            return Row(
                accountID: row.accountID, kekID: try r.string(row: 0, column: 0) ?? "",
                wrapped: try r.bytes(row: 0, column: 1) ?? [])
        }
    }

    /// Every stored row's account and master-key fingerprint (not the keys).
    public func kekIDs() async throws -> [(accountID: String, kekID: String)] {
        let r = try await pool.query("SELECT account_id, kek_id FROM account_data_keys ORDER BY account_id")
        return try (0..<r.rowCount).map { (try r.string(row: $0, column: 0) ?? "", try r.string(row: $0, column: 1) ?? "") }
    }

    /// Re-wraps every row in one transaction: rows are locked, `rewrap` maps each to its new wrapping,
    /// and either every row changes or none does.
    /// - Returns: how many rows were re-wrapped.
    public func rewrapAll(_ rewrap: @Sendable (Row) throws -> Row) async throws -> Int {
        try await pool.transaction { conn in
            let r = try conn.query(
                "SELECT account_id, kek_id, wrapped_key FROM account_data_keys ORDER BY account_id FOR UPDATE")
            var count = 0
            for i in 0..<r.rowCount {
                let row = Row(
                    accountID: try r.string(row: i, column: 0) ?? "", kekID: try r.string(row: i, column: 1) ?? "",
                    wrapped: try r.bytes(row: i, column: 2) ?? [])
                let new = try rewrap(row)
                count += try conn.execute(
                    "UPDATE account_data_keys SET kek_id = $2, wrapped_key = $3, rotated_at = now() WHERE account_id = $1",
                    [.text(row.accountID), .text(new.kekID), .bytes(new.wrapped)])
            }
            return count
        }
    }

    /// Replaces one row's wrapping if it is still wrapped by `expectedKEK` (used to move rows off a
    /// previous master key at start).
    public func rewrap(_ row: Row, expectedKEK: String) async throws -> Bool {
        try await pool.execute(
            "UPDATE account_data_keys SET kek_id = $2, wrapped_key = $3, rotated_at = now() WHERE account_id = $1 AND kek_id = $4",
            [.text(row.accountID), .text(row.kekID), .bytes(row.wrapped), .text(expectedKEK)]) == 1
    }
}
