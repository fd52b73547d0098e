import WAGateCrypto

/// Highest-random-weight ("rendezvous") hashing: which member of the cluster an account belongs to.
///
/// Every process computes the same answer from the same member list, with no coordination, and when a
/// member joins or leaves only the accounts that move to or from it change owner — the property that
/// lets rebalancing move accounts gradually. The weight is SHA-256 of `member ‖ 0x00 ‖ account` (not
/// Swift's `Hasher`, which is seeded per process).
public enum RendezvousHash {
    /// The member an account belongs to; `nil` when there is none.
    public static func owner(of account: String, among members: [String]) -> String? {
        members.max { lhs, rhs in
            let (l, r) = (weight(account: account, member: lhs), weight(account: account, member: rhs))
            return l == r ? lhs > rhs : l < r  // ties (practically impossible) go to the smaller id
        }
    }

    /// The accounts of `accounts` that belong to `member`, in the given order.
    public static func share(of member: String, accounts: [String], members: [String]) -> [String] {
        accounts.filter { owner(of: $0, among: members) == member }
    }

    static func weight(account: String, member: String) -> UInt64 {
        let digest = SHA256.hash(Array(member.utf8) + [0] + Array(account.utf8))
        return digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}
