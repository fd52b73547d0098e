import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import ServiceLifecycle
import WAGateStore

/// This process as a member of the cluster: registered in `cluster_members` at start, heartbeating
/// while it runs, removed on graceful shutdown (so the survivors see it leave at once, not after the
/// heartbeat ages out).
///
/// Leases (which member connects which account) build on this; until they do, every process connects
/// the accounts of its own configuration.
public struct ClusterMembership: Service {
    /// This member's id: host, pid and a random suffix, unique across restarts.
    public let memberID: String
    /// Where operators reach it (its control socket).
    public let address: String
    /// The most accounts it takes.
    public let capacity: Int
    /// Time between heartbeats.
    public let interval: Duration

    private let leases: LeaseRepository
    private let logger: Logger

    /// Creates the membership.
    public init(leases: LeaseRepository, address: String, capacity: Int, interval: Duration = .seconds(5), logger: Logger) {
        // gethostname, not ProcessInfo.hostName: the latter may wait on DNS.
        var buffer = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buffer, buffer.count) == 0 ? String(cString: buffer) : "localhost"
        memberID = "\(host):\(ProcessInfo.processInfo.processIdentifier):\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
        self.address = address
        self.capacity = capacity
        self.interval = interval
        self.leases = leases
        self.logger = logger
    }

    /// Registers, then heartbeats until graceful shutdown; leaves the cluster on the way out.
    public func run() async throws {
        try await leases.heartbeat(memberID: memberID, address: address, capacity: capacity)
        logger.info("joined the cluster", metadata: ["member": "\(memberID)", "capacity": "\(capacity)"])
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                    try await leases.heartbeat(memberID: memberID, address: address, capacity: capacity)
                } catch is CancellationError {
                    return
                } catch {
                    // A missed heartbeat is retried on the next tick; the database being away is the
                    // accounts' concern (their writes fail), not a reason to stop the process.
                    logger.warning("cluster heartbeat failed", metadata: ["error": "\(error)"])
                }
            }
        }
        do {
            try await leases.leave(memberID: memberID)
            logger.info("left the cluster", metadata: ["member": "\(memberID)"])
        } catch {
            logger.warning("cannot leave the cluster cleanly; the heartbeat will age out", metadata: ["error": "\(error)"])
        }
    }
}
