import Foundation

/// One sealed value of an account's Signal state.
public struct SignalStateRow: Sendable, Hashable {
    /// `identity`, `session`, `prekey`, `signed_prekey` or `sender_key`.
    public var kind: String
    /// The value's key within its kind (a Signal address, a key id, a group and sender).
    public var key: String
    /// The sealed value.
    public var sealed: [UInt8]

    /// Creates a row.
    public init(kind: String, key: String, sealed: [UInt8]) {
        self.kind = kind
        self.key = key
        self.sealed = sealed
    }
}

/// An account's Signal state in PostgreSQL (`signal_state`) and its LID ↔ phone-number mappings.
///
/// Changes are applied with ``apply(_:accountID:upserts:deletions:)`` inside the transaction that
/// stores the message whose decryption produced them, so the ratchet never runs ahead of, or behind,
/// what was committed.
public struct SignalStateRepository: Sendable {
    private let pool: PGPool

    /// - Parameter pool: the gateway's connection pool.
    public init(pool: PGPool) { self.pool = pool }

    /// Every stored value of an account.
    public func load(accountID: String) async throws -> [SignalStateRow] {
        let result = try await pool.query(
            "SELECT kind, key, sealed FROM signal_state WHERE account_id = $1 ORDER BY kind, key", [.text(accountID)])
        return try (0..<result.rowCount).map { row in
            SignalStateRow(
                kind: try result.string(row: row, column: 0) ?? "", key: try result.string(row: row, column: 1) ?? "",
                sealed: try result.bytes(row: row, column: 2) ?? [])
        }
    }

    /// Applies changes in their own transaction (fenced by `lease` when given).
    public func apply(
        accountID: String, upserts: [SignalStateRow], deletions: [(kind: String, key: String)], lease: AccountLease?
    ) async throws {
        guard !upserts.isEmpty || !deletions.isEmpty else { return }
        try await pool.transaction { connection in
            if let lease { try LeaseRepository.checkFence(connection, lease: lease) }
            try Self.apply(connection, accountID: accountID, upserts: upserts, deletions: deletions)
        }
    }

    /// Inside a transaction: writes upserts and deletions.
    public static func apply(
        _ connection: isolated PGConnection, accountID: String, upserts: [SignalStateRow], deletions: [(kind: String, key: String)]
    ) throws {
        for row in upserts {
            _ = try connection.execute(
                """
                INSERT INTO signal_state (account_id, kind, key, sealed) VALUES ($1, $2, $3, $4)
                ON CONFLICT (account_id, kind, key) DO UPDATE SET sealed = excluded.sealed, updated_at = now()
                """, [.text(accountID), .text(row.kind), .text(row.key), .bytes(row.sealed)])
        }
        for deletion in deletions {
            _ = try connection.execute(
                "DELETE FROM signal_state WHERE account_id = $1 AND kind = $2 AND key = $3",
                [.text(accountID), .text(deletion.kind), .text(deletion.key)])
        }
    }

    /// Deletes an account's whole Signal state (the device was logged out).
    @discardableResult
    public func discard(accountID: String) async throws -> Int {
        try await pool.execute("DELETE FROM signal_state WHERE account_id = $1", [.text(accountID)])
    }

    // MARK: LID mappings

    /// Inside a transaction: records that `lid` stands for `pn`.
    public static func recordMapping(_ connection: isolated PGConnection, accountID: String, lid: String, pn: String) throws {
        _ = try connection.execute(
            """
            INSERT INTO lid_mappings (account_id, lid, pn) VALUES ($1, $2, $3)
            ON CONFLICT (account_id, lid) DO UPDATE SET pn = excluded.pn, updated_at = now()
            WHERE lid_mappings.pn IS DISTINCT FROM excluded.pn
            """, [.text(accountID), .text(lid), .text(pn)])
    }

    /// Every known mapping of an account, LID → phone-number JID user.
    public func mappings(accountID: String) async throws -> [String: String] {
        let result = try await pool.query("SELECT lid, pn FROM lid_mappings WHERE account_id = $1", [.text(accountID)])
        var out: [String: String] = [:]
        for row in 0..<result.rowCount {
            if let lid = try result.string(row: row, column: 0), let pn = try result.string(row: row, column: 1) { out[lid] = pn }
        }
        return out
    }
}
