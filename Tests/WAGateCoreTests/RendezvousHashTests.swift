import Testing
import WAGateCore

@Suite struct RendezvousHashTests {
    let accounts = (1...1000).map { "agent/a\($0)" }

    @Test func everyAccountHasExactlyOneOwnerAndSharesAreEven() {
        let members = ["m1", "m2", "m3"]
        let shares = members.map { RendezvousHash.share(of: $0, accounts: accounts, members: members) }
        #expect(shares.map(\.count).reduce(0, +) == accounts.count)
        #expect(Set(shares.flatMap { $0 }).count == accounts.count)
        // 1,000 over 3: each share within ±15% of a third.
        #expect(shares.allSatisfy { abs($0.count - 333) < 50 }, "\(shares.map(\.count))")
    }

    @Test func aJoiningMemberTakesAccountsOnlyFromOthersAndOnlyItsShare() {
        let before = ["m1", "m2"]
        let after = ["m1", "m2", "m3"]
        for account in accounts {
            let old = RendezvousHash.owner(of: account, among: before)
            let new = RendezvousHash.owner(of: account, among: after)
            #expect(new == old || new == "m3", "\(account) moved from \(old ?? "-") to \(new ?? "-")")
        }
        #expect(RendezvousHash.owner(of: "agent/a1", among: []) == nil)
    }

    @Test func theAnswerDoesNotDependOnTheMemberOrder() {
        for account in accounts.prefix(100) {
            #expect(RendezvousHash.owner(of: account, among: ["m1", "m2", "m3"]) == RendezvousHash.owner(of: account, among: ["m3", "m1", "m2"]))
        }
    }
}
