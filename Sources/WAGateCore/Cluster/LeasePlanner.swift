/// What a member does with leases on one tick: pure, so every branch is tested without a database.
public enum LeasePlanner {
    /// The decisions of one tick.
    public struct Plan: Sendable, Hashable {
        /// Accounts to claim (free ones assigned to this member), in order.
        public var claim: [String]
        /// Accounts this member holds but should hand over (stop, then release), at most the move budget.
        public var release: [String]

        /// Creates a plan.
        public init(claim: [String] = [], release: [String] = []) {
            self.claim = claim
            self.release = release
        }
    }

    /// Plans one tick.
    /// - Parameters:
    ///   - me: this member's id.
    ///   - members: the live members (this one included) with their capacities.
    ///   - accounts: the enabled accounts of the cluster.
    ///   - held: the accounts this member holds.
    ///   - owners: account → live owner, for leases held by anyone and not expired.
    ///   - maxMoves: the most accounts to hand over on this tick (rebalancing is gradual).
    public static func plan(
        me: String, members: [BalancedAssignment.Member], accounts: [String], held: Set<String>, owners: [String: String],
        maxMoves: Int
    ) -> Plan {
        let target = BalancedAssignment.assign(accounts: accounts, members: members)
        let capacity = members.first { $0.id == me }?.capacity ?? 0
        let mine = Set(target.filter { $0.value == me }.keys)
        // Hand over what belongs elsewhere now (including accounts no longer configured), a few at a time.
        let release = Array(held.subtracting(mine).sorted().prefix(max(0, maxMoves)))
        let keeping = held.count - release.count
        // Claim what is ours and free; an account another member still holds is left to it to release.
        let free = mine.subtracting(held).filter { owners[$0] == nil }.sorted()
        let claim = Array(free.prefix(max(0, capacity - keeping)))
        return Plan(claim: claim, release: release)
    }
}
