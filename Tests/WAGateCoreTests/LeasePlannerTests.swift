import Testing
import WAGateCore

@Suite struct LeasePlannerTests {
    let accounts = (1...9).map { "agent/a\($0)" }
    func members(_ ids: String...) -> [BalancedAssignment.Member] { ids.map { .init(id: $0, capacity: 100) } }

    @Test func aLoneMemberClaimsEverythingFree() {
        let plan = LeasePlanner.plan(me: "A", members: members("A"), accounts: accounts, held: [], owners: [:], maxMoves: 2)
        #expect(plan.claim == accounts.sorted())
        #expect(plan.release.isEmpty)
    }

    @Test func whenAMemberJoinsTheHolderHandsOverGraduallyAndTheNewcomerClaimsOnlyWhatIsFree() {
        let all = Set(accounts)
        let owners = Dictionary(uniqueKeysWithValues: accounts.map { ($0, "A") })
        let planA = LeasePlanner.plan(me: "A", members: members("A", "B"), accounts: accounts, held: all, owners: owners, maxMoves: 2)
        #expect(planA.release.count == 2)
        #expect(planA.claim.isEmpty)
        let planB = LeasePlanner.plan(me: "B", members: members("A", "B"), accounts: accounts, held: [], owners: owners, maxMoves: 2)
        #expect(planB.claim.isEmpty, "B must wait for A to release")
        // After A released two, B claims exactly those.
        var after = owners
        for account in planA.release { after[account] = nil }
        let planB2 = LeasePlanner.plan(me: "B", members: members("A", "B"), accounts: accounts, held: [], owners: after, maxMoves: 2)
        #expect(Set(planB2.claim) == Set(planA.release))
    }

    @Test func survivorsClaimTheAccountsOfAMemberThatLeft() {
        // B left: its leases were released (or expired), and it is no longer a live member.
        let heldByA = Set(BalancedAssignment.assign(accounts: accounts, members: members("A", "B")).filter { $0.value == "A" }.keys)
        let owners = Dictionary(uniqueKeysWithValues: heldByA.map { ($0, "A") })
        let plan = LeasePlanner.plan(me: "A", members: members("A"), accounts: accounts, held: heldByA, owners: owners, maxMoves: 2)
        #expect(Set(plan.claim) == Set(accounts).subtracting(heldByA))
    }

    @Test func capacityLimitsClaims() {
        let plan = LeasePlanner.plan(
            me: "A", members: [.init(id: "A", capacity: 3)], accounts: accounts, held: [], owners: [:], maxMoves: 2)
        #expect(plan.claim.count == 3)
    }

    @Test func accountsNoLongerAssignedAreReleasedEvenWithoutAnotherMember() {
        let plan = LeasePlanner.plan(
            me: "A", members: members("A"), accounts: ["agent/a1"], held: ["agent/a1", "agent/gone"], owners: [:], maxMoves: 5)
        #expect(plan.release == ["agent/gone"])
    }
}
