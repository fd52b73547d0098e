/// The `device_credentials` table: an account's sealed credentials by name.
///
/// Values arrive sealed (see `SealedCredentials` in the core module); this type never sees plaintext.
public struct CredentialRepository: Sendable {
    private let pool: PGPool

    /// Creates a repository over `pool`.
    public init(pool: PGPool) { self.pool = pool }

    /// Inserts or replaces one sealed credential.
    public func put(accountID: String, name: String, sealed: [UInt8]) async throws {
        _ = try await pool.execute(
            """
            INSERT INTO device_credentials (account_id, name, sealed, updated_at) VALUES ($1, $2, $3, now())
            ON CONFLICT (account_id, name) DO UPDATE SET sealed = EXCLUDED.sealed, updated_at = now()
            """, [.text(accountID), .text(name), .bytes(sealed)])
    }

    /// Every sealed credential of an account, by name.
    public func all(accountID: String) async throws -> [(name: String, sealed: [UInt8])] {
        let r = try await pool.query(
            "SELECT name, sealed FROM device_credentials WHERE account_id = $1 ORDER BY name", [.text(accountID)])
        return try (0..<r.rowCount).map { (try r.string(row: $0, column: 0) ?? "", try r.bytes(row: $0, column: 1) ?? []) }
    }

    /// Deletes every credential of an account.
    /// - Returns: how many rows were deleted.
    @discardableResult
    public func deleteAll(accountID: String) async throws -> Int {
        try await pool.execute("DELETE FROM device_credentials WHERE account_id = $1", [.text(accountID)])
    }
}
