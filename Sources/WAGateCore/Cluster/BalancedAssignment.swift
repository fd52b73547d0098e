/// Which member should run each account: rendezvous hashing with bounded loads, so every member's share
/// is within one account of the others' (as far as capacities allow), and every process computes the
/// same answer from the same member list without talking to the others.
///
/// Each member's quota is filled like water: one account at a time to the member with the fewest so far
/// that still has capacity (ties by id). Accounts are then taken in a fixed order, each going to the
/// member it hashes highest with that still has quota left — so when a member joins or leaves, most
/// accounts keep their member.
public enum BalancedAssignment {
    /// A member and the most accounts it takes.
    public struct Member: Sendable, Hashable {
        /// The member's id.
        public var id: String
        /// Its capacity.
        public var capacity: Int

        /// Creates a member.
        public init(id: String, capacity: Int) {
            self.id = id
            self.capacity = capacity
        }
    }

    /// Account → member for every account that some member can take (beyond the total capacity,
    /// accounts are left out).
    public static func assign(accounts: [String], members: [Member]) -> [String: String] {
        let members = members.filter { $0.capacity > 0 }.sorted { $0.id < $1.id }
        guard !members.isEmpty else { return [:] }
        var quota = [String: Int](uniqueKeysWithValues: members.map { ($0.id, 0) })
        var remaining = accounts.count
        while remaining > 0 {
            guard let next = members.filter({ quota[$0.id, default: 0] < $0.capacity }).min(by: { lhs, rhs in
                let (l, r) = (quota[lhs.id, default: 0], quota[rhs.id, default: 0])
                return l == r ? lhs.id < rhs.id : l < r
            }) else { break }
            quota[next.id, default: 0] += 1
            remaining -= 1
        }
        var result: [String: String] = [:]
        for account in accounts.sorted() {
            let ranked = members.map(\.id).sorted { lhs, rhs in
                let (l, r) = (RendezvousHash.weight(account: account, member: lhs), RendezvousHash.weight(account: account, member: rhs))
                return l == r ? lhs < rhs : l > r
            }
            guard let chosen = ranked.first(where: { quota[$0, default: 0] > 0 }) else { continue }
            quota[chosen, default: 0] -= 1
            result[account] = chosen
        }
        return result
    }
}
