import Foundation
import WAGateCore
import WAGateStore

/// `cluster.members` and `cluster.leases`: the processes sharing the database and which of them holds
/// which account.
public struct ClusterMethods: Sendable {
    private let leases: LeaseRepository
    private let memberID: String
    /// Members whose heartbeat is older than this are not listed (they are gone).
    private let liveness: Duration

    /// Creates the methods.
    /// - Parameters:
    ///   - leases: the lease repository.
    ///   - memberID: this process's member id (marked `self` in the answers).
    ///   - liveness: how old a heartbeat may be for the member to count as alive.
    public init(leases: LeaseRepository, memberID: String, liveness: Duration = .seconds(30)) {
        self.leases = leases
        self.memberID = memberID
        self.liveness = liveness
    }

    /// Registers both methods.
    public func register(in methods: inout ControlMethods) {
        let leases = self.leases
        let me = self.memberID
        let liveness = self.liveness
        methods.register("cluster.members", description: "Live gateway processes: id, address, capacity, accounts held, heartbeat age.") {
            _, params in
            try params.rejectUnknownParams(allowed: [])
            let members = try await leases.members(aliveWithin: liveness)
            let held = try await leases.all().compactMap(\.lease)
            return [
                "members": .array(
                    members.map { member in
                        [
                            "member": .string(member.memberID), "address": .string(member.address),
                            "capacity": .int(Int64(member.capacity)),
                            "accounts": .int(Int64(held.filter { $0.owner == member.memberID }.count)),
                            "heartbeat_age_s": .double((member.heartbeatAge * 10).rounded() / 10),
                            "self": .bool(member.memberID == me),
                        ]
                    })
            ]
        }
        methods.register("cluster.leases", description: "Every account lease: owner, fencing token, seconds left.") { _, params in
            try params.rejectUnknownParams(allowed: [])
            let rows = try await leases.all()
            return [
                "leases": .array(
                    rows.map { row in
                        [
                            "account": .string(row.accountID), "owner": row.lease.map { .string($0.owner) } ?? .null,
                            "fencing_token": row.lease.map { .int($0.fencingToken) } ?? .null,
                            "seconds_left": row.secondsLeft.map { .double(($0 * 10).rounded() / 10) } ?? .null,
                        ]
                    })
            ]
        }
    }
}
