import Foundation
import Logging
import ServiceLifecycle
import WAGateStore

/// Runs this process's share of the cluster's accounts (DESIGN §6): claims the accounts assigned to it
/// when their leases are free, renews them well before they expire, hands over the ones that belong to
/// another member now (stop, then release, a few per tick), and releases everything on shutdown so a
/// successor claims at once.
///
/// A single process is a cluster of one: it claims every enabled account, so a second process started by
/// mistake on the same database takes nothing that is held, instead of fighting over the same devices.
public actor LeaseManager: Service, AccountOwnership {
    /// Tuning.
    public struct Configuration: Sendable {
        /// How long a lease lasts without renewal.
        public var ttl: Duration
        /// Time between ticks (renew, plan, claim); a third of the TTL by default.
        public var interval: Duration
        /// The most accounts this process runs.
        public var capacity: Int
        /// The most accounts handed over per tick while rebalancing.
        public var maxMovesPerTick: Int
        /// The most accounts starting at the same time.
        public var maxConcurrentStarts: Int

        /// Creates a configuration.
        public init(
            ttl: Duration = .seconds(30), interval: Duration? = nil, capacity: Int, maxMovesPerTick: Int = 5, maxConcurrentStarts: Int = 32
        ) {
            self.ttl = ttl
            self.interval = interval ?? ttl / 3
            self.capacity = capacity
            self.maxMovesPerTick = maxMovesPerTick
            self.maxConcurrentStarts = maxConcurrentStarts
        }
    }

    private let registry: Registry
    private let leases: LeaseRepository
    private let memberID: String
    private let configuration: Configuration
    private let logger: Logger
    private let clock = ContinuousClock()

    private var held: [String: AccountLease] = [:]
    private var lastRenewal: ContinuousClock.Instant
    /// Owners of the accounts this process does not run, from the last tick (for `ownerOf`).
    private var foreignOwners: [String: String] = [:]
    private var memberAddresses: [String: String] = [:]

    /// Creates the manager for the accounts of `registry`.
    public init(registry: Registry, leases: LeaseRepository, memberID: String, configuration: Configuration, logger: Logger) {
        self.registry = registry
        self.leases = leases
        self.memberID = memberID
        self.configuration = configuration
        self.logger = logger
        self.lastRenewal = ContinuousClock().now
    }

    /// The accounts this process holds, by address.
    public var heldAccounts: [String] { held.keys.sorted() }

    public nonisolated func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.tick()
                do { try await Task.sleep(for: self.configuration.interval) } catch { return }
            }
        }
        await releaseAll()
    }

    /// One round: renew, plan, hand over, claim and start. Public for tests that drive it step by step.
    public func tick() async {
        let enabled = registry.accounts.filter(\.definition.enabled).map(\.id.description)
        do {
            try await renewHeld()
            let members = try await leases.members(aliveWithin: configuration.ttl)
            memberAddresses = Dictionary(members.map { ($0.memberID, $0.address) }, uniquingKeysWith: { a, _ in a })
            var live = members.map { BalancedAssignment.Member(id: $0.memberID, capacity: $0.capacity) }
            if !live.contains(where: { $0.id == memberID }) {
                live.append(BalancedAssignment.Member(id: memberID, capacity: configuration.capacity))
            }
            var owners: [String: String] = [:]
            for row in try await leases.all() {
                if let lease = row.lease { owners[row.accountID] = lease.owner }
            }
            foreignOwners = owners.filter { $0.value != memberID }
            let plan = LeasePlanner.plan(
                me: memberID, members: live, accounts: enabled, held: Set(held.keys), owners: owners,
                maxMoves: configuration.maxMovesPerTick)
            for accountID in plan.release { await handOver(accountID) }
            guard !plan.claim.isEmpty else { return }
            let won = try await leases.claim(plan.claim, owner: memberID, ttl: configuration.ttl)
            for lease in won { held[lease.accountID] = lease }
            if !won.isEmpty {
                logger.info("claimed accounts", metadata: ["count": "\(won.count)", "held": "\(held.count)"])
            }
            await start(won.map(\.accountID))
        } catch {
            logger.warning("lease round failed", metadata: ["error": "\(error)"])
            // Without the database no lease can be renewed: stop every account before its lease can
            // expire and another process claims it, so two processes never run one account.
            if !held.isEmpty, clock.now - lastRenewal > configuration.ttl * 2 / 3 {
                logger.error(
                    "cannot reach PostgreSQL to renew leases; stopping every account before the leases expire",
                    metadata: ["accounts": "\(held.count)"])
                for accountID in held.keys.sorted() {
                    _ = registry.account(accountID)?.submit(.stop(reason: "this process cannot reach PostgreSQL to renew its lease"))
                    await registry.account(accountID)?.messaging?.setLease(nil)
                }
                held.removeAll()
            }
        }
    }

    private func renewHeld() async throws {
        for (accountID, lease) in held.sorted(by: { $0.key < $1.key }) {
            if let renewed = try await leases.renew(lease, ttl: configuration.ttl) {
                held[accountID] = renewed
                await registry.account(accountID)?.messaging?.setLease(renewed)
            } else {
                held[accountID] = nil
                logger.error("lease lost; stopping the account", metadata: ["account": "\(accountID)"])
                _ = registry.account(accountID)?.submit(.stop(reason: "another gateway process took over this account (lease lost)"))
            }
        }
        lastRenewal = clock.now
    }

    /// Stop, then release: the account's last write happens before another process may claim it.
    private func handOver(_ accountID: String) async {
        guard let lease = held[accountID] else { return }
        if let account = registry.account(accountID) {
            _ = account.submit(.stop(reason: "handed over to another gateway process (rebalancing)"))
            await Self.waitUntil(account, timeout: .seconds(10)) { !$0.state.isActive }
            await account.messaging?.setLease(nil)
        }
        do {
            try await leases.release(lease)
            held[accountID] = nil
            logger.info("handed an account over", metadata: ["account": "\(accountID)"])
        } catch {
            logger.warning("could not release a lease; it will expire", metadata: ["account": "\(accountID)", "error": "\(error)"])
            held[accountID] = nil
        }
    }

    /// Starts accounts a wave at a time, so a restart of many accounts does not start them all at once.
    private func start(_ accountIDs: [String]) async {
        let wave = max(1, configuration.maxConcurrentStarts)
        for start in stride(from: 0, to: accountIDs.count, by: wave) {
            let batch = accountIDs[start..<min(start + wave, accountIDs.count)].compactMap { registry.account($0) }
            for account in batch {
                await account.messaging?.setLease(held[account.id.description])
                _ = account.submit(.start)
            }
            await withTaskGroup(of: Void.self) { group in
                for account in batch {
                    group.addTask { await Self.waitUntil(account, timeout: .seconds(10)) { $0.state != .starting && $0.state != .stopped } }
                }
            }
        }
    }

    private func releaseAll() async {
        for (accountID, lease) in held.sorted(by: { $0.key < $1.key }) {
            do { try await leases.release(lease) } catch {
                logger.warning("could not release a lease on shutdown; it will expire", metadata: ["account": "\(accountID)", "error": "\(error)"])
            }
        }
        if !held.isEmpty { logger.info("released leases", metadata: ["count": "\(held.count)"]) }
        held.removeAll()
    }

    public func owner(of account: AccountID) -> (member: String, address: String)? {
        guard held[account.description] == nil, let owner = foreignOwners[account.description] else { return nil }
        return (owner, memberAddresses[owner] ?? "")
    }

    static func waitUntil(_ account: Account, timeout: Duration, _ condition: @Sendable (AccountStatus) -> Bool) async {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(await account.snapshot()) { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// Who runs an account when this process does not.
public protocol AccountOwnership: Sendable {
    /// The member running `account` and where to reach it; `nil` when it is this process (or nobody).
    func owner(of account: AccountID) async -> (member: String, address: String)?
}
