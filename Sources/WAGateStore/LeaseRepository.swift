import Foundation

/// One account's lease as its holder knows it: the fencing token proves, in every write that belongs
/// to the account's session, that the writer still owns it.
public struct AccountLease: Sendable, Hashable {
    /// The account.
    public var accountID: String
    /// The member holding it.
    public var owner: String
    /// Grows on every new claim, never on a renewal: a process holding an older token has lost the lease.
    public var fencingToken: Int64
    /// When the lease lapses unless renewed, by the database's clock.
    public var expiresAt: Date
}

/// A gateway process of the cluster.
public struct ClusterMember: Sendable, Hashable {
    /// Its id (stable for the life of the process).
    public var memberID: String
    /// Where to reach it (control socket path or host name).
    public var address: String
    /// How many accounts it takes at most.
    public var capacity: Int
    /// When it last said it is alive, by the database's clock.
    public var heartbeatAt: Date
    /// How long ago that was, in seconds, by the database's clock.
    public var heartbeatAge: Double
}

/// Members and fenced account leases in PostgreSQL (DESIGN §6): the coordination of several gateway
/// processes sharing one database, with no other service.
///
/// Every time comparison uses the database's clock (`now()`), so the processes' clocks never need to
/// agree. A claim succeeds only on a free or expired lease and increments the fencing token; a renewal
/// succeeds only for the current owner with the current token on a lease that has not expired; writes
/// that belong to an account's session call ``checkFence(_:lease:)`` inside their transaction.
///
/// ```swift
/// let leases = LeaseRepository(pool: pool)
/// try await leases.heartbeat(memberID: me, address: socketPath, capacity: 500)
/// let mine = try await leases.claim(["bot/default"], owner: me, ttl: .seconds(30))
/// try await pool.transaction { conn in
///     try LeaseRepository.checkFence(conn, lease: mine[0])
///     try conn.execute("INSERT INTO messages …")
/// }
/// ```
public struct LeaseRepository: Sendable {
    private let pool: PGPool

    /// - Parameter pool: the gateway's connection pool.
    public init(pool: PGPool) { self.pool = pool }

    // MARK: Members

    /// Registers the member or refreshes its heartbeat, address and capacity.
    public func heartbeat(memberID: String, address: String, capacity: Int) async throws {
        try await pool.execute(
            """
            INSERT INTO cluster_members (member_id, address, capacity) VALUES ($1, $2, $3)
            ON CONFLICT (member_id) DO UPDATE
                SET address = excluded.address, capacity = excluded.capacity, heartbeat_at = now()
            """, [.text(memberID), .text(address), .int(Int64(capacity))])
    }

    /// Members whose heartbeat is at most `maximumAge` old, by id.
    public func members(aliveWithin maximumAge: Duration) async throws -> [ClusterMember] {
        let result = try await pool.query(
            """
            SELECT member_id, address, capacity, heartbeat_at,
                   extract(epoch FROM now() - heartbeat_at)::float8 AS age
            FROM cluster_members
            WHERE heartbeat_at > now() - make_interval(secs => $1)
            ORDER BY member_id
            """, [.double(maximumAge.seconds)])
        return try (0..<result.rowCount).map { row in
            ClusterMember(
                memberID: try result.string(row: row, column: "member_id") ?? "",
                address: try result.string(row: row, column: "address") ?? "",
                capacity: Int(try result.int(row: row, column: "capacity") ?? 0),
                heartbeatAt: try result.date(row: row, column: "heartbeat_at") ?? .distantPast,
                heartbeatAge: try result.double(row: row, column: "age") ?? 0)
        }
    }

    /// Removes a member that shut down (its leases are released separately).
    public func leave(memberID: String) async throws {
        try await pool.execute("DELETE FROM cluster_members WHERE member_id = $1", [.text(memberID)])
    }

    // MARK: Leases

    /// Claims each of `accountIDs` that is free or expired, in order, until `limit` are claimed.
    /// - Parameters:
    ///   - accountIDs: candidates, the preferred first (the member's rendezvous share).
    ///   - owner: the claiming member.
    ///   - ttl: how long the lease lasts without renewal.
    ///   - limit: the most to claim in this call (the member's free capacity).
    /// - Returns: the leases won, each with its new fencing token.
    public func claim(_ accountIDs: [String], owner: String, ttl: Duration, limit: Int = .max) async throws -> [AccountLease] {
        var won: [AccountLease] = []
        for accountID in accountIDs where won.count < limit {
            // One statement per account: the row lock of the upsert decides between racing claimers,
            // and the WHERE clause lets only a free or expired lease change hands.
            let result = try await pool.query(
                """
                INSERT INTO account_leases (account_id, owner, fencing_token, expires_at)
                VALUES ($1, $2, 1, now() + make_interval(secs => $3))
                ON CONFLICT (account_id) DO UPDATE
                    SET owner = excluded.owner, fencing_token = account_leases.fencing_token + 1,
                        expires_at = excluded.expires_at
                    WHERE account_leases.owner IS NULL OR account_leases.expires_at IS NULL
                       OR account_leases.expires_at <= now()
                RETURNING fencing_token, expires_at
                """, [.text(accountID), .text(owner), .double(ttl.seconds)])
            guard !result.isEmpty else { continue }
            won.append(
                AccountLease(
                    accountID: accountID, owner: owner, fencingToken: try result.int(row: 0, column: 0) ?? 0,
                    expiresAt: try result.date(row: 0, column: 1) ?? .distantPast))
        }
        return won
    }

    /// Extends a lease still held; `nil` when it was lost (expired, or claimed by another member), in
    /// which case the holder must stop the account at once, without another write.
    public func renew(_ lease: AccountLease, ttl: Duration) async throws -> AccountLease? {
        let result = try await pool.query(
            """
            UPDATE account_leases SET expires_at = now() + make_interval(secs => $4)
            WHERE account_id = $1 AND owner = $2 AND fencing_token = $3 AND expires_at > now()
            RETURNING expires_at
            """, [.text(lease.accountID), .text(lease.owner), .int(lease.fencingToken), .double(ttl.seconds)])
        guard !result.isEmpty else { return nil }
        var renewed = lease
        renewed.expiresAt = try result.date(row: 0, column: 0) ?? lease.expiresAt
        return renewed
    }

    /// Gives a lease up (graceful shutdown, rebalancing) so another member can claim it at once.
    /// - Returns: `false` when it was no longer held.
    @discardableResult
    public func release(_ lease: AccountLease) async throws -> Bool {
        try await pool.execute(
            """
            UPDATE account_leases SET owner = NULL, expires_at = NULL
            WHERE account_id = $1 AND owner = $2 AND fencing_token = $3
            """, [.text(lease.accountID), .text(lease.owner), .int(lease.fencingToken)]) == 1
    }

    /// Every lease, by account: owner (or none), token and time left by the database's clock.
    public func all() async throws -> [(lease: AccountLease?, accountID: String, secondsLeft: Double?)] {
        let result = try await pool.query(
            """
            SELECT account_id, owner, fencing_token, expires_at,
                   extract(epoch FROM expires_at - now())::float8 AS left_s
            FROM account_leases ORDER BY account_id
            """)
        return try (0..<result.rowCount).map { row in
            let accountID = try result.string(row: row, column: "account_id") ?? ""
            let left = try result.double(row: row, column: "left_s")
            guard let owner = try result.string(row: row, column: "owner"), let expires = try result.date(row: row, column: "expires_at"),
                expires > Date.distantPast, (left ?? 0) > 0
            else { return (nil, accountID, left) }
            return (
                AccountLease(
                    accountID: accountID, owner: owner, fencingToken: try result.int(row: row, column: "fencing_token") ?? 0,
                    expiresAt: expires), accountID, left
            )
        }
    }

    /// Inside a transaction: fails unless `lease` is still current (same owner and token, not expired),
    /// and holds the lease row against a concurrent claim until the transaction ends, so the writes that
    /// follow commit only under a valid lease.
    /// - Throws: `StoreError` ``StoreError/Code/staleFence`` when the lease was lost.
    public static func checkFence(_ connection: isolated PGConnection, lease: AccountLease) throws {
        let result = try connection.query(
            """
            SELECT 1 FROM account_leases
            WHERE account_id = $1 AND owner = $2 AND fencing_token = $3 AND expires_at > now()
            FOR SHARE
            """, [.text(lease.accountID), .text(lease.owner), .int(lease.fencingToken)])
        guard !result.isEmpty else {
            throw StoreError(
                .staleFence,
                "the lease of \(lease.accountID) with fencing token \(lease.fencingToken) is no longer held by \(lease.owner)")
        }
    }
}

extension Duration {
    /// Seconds as a floating-point number, for `make_interval(secs => …)`.
    fileprivate var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
