import Testing
import WAGateCore

@Suite struct BalancedAssignmentTests {
    let accounts = (1...30).map { "agent/a\($0)" }

    func counts(_ assignment: [String: String]) -> [String: Int] {
        assignment.values.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    @Test func sharesAreEvenWithinOneAndEveryAccountIsAssignedOnce() {
        for memberCount in 1...7 {
            let members = (1...memberCount).map { BalancedAssignment.Member(id: "m\($0)", capacity: 1000) }
            let assignment = BalancedAssignment.assign(accounts: accounts, members: members)
            #expect(assignment.count == accounts.count)
            let loads = counts(assignment).values
            #expect((loads.max() ?? 0) - (loads.min() ?? 0) <= 1, "\(memberCount) members: \(counts(assignment))")
        }
    }

    @Test func everyProcessComputesTheSameAnswerWhateverTheOrder() {
        let members = ["b", "a", "c"].map { BalancedAssignment.Member(id: $0, capacity: 100) }
        #expect(
            BalancedAssignment.assign(accounts: accounts, members: members)
                == BalancedAssignment.assign(accounts: accounts.reversed(), members: members.reversed()))
    }

    @Test func capacityBoundsAMemberAndTheRestGoesElsewhere() {
        let members = [BalancedAssignment.Member(id: "small", capacity: 4), BalancedAssignment.Member(id: "big", capacity: 100)]
        let loads = counts(BalancedAssignment.assign(accounts: accounts, members: members))
        #expect(loads == ["small": 4, "big": 26])
        // Beyond the total capacity, accounts are left unassigned.
        let tiny = [BalancedAssignment.Member(id: "x", capacity: 3)]
        #expect(BalancedAssignment.assign(accounts: accounts, members: tiny).count == 3)
    }

    @Test func aJoiningMemberTakesAccountsMostlyFromTheOthers() {
        let two = ["a", "b"].map { BalancedAssignment.Member(id: $0, capacity: 100) }
        let three = two + [BalancedAssignment.Member(id: "c", capacity: 100)]
        let before = BalancedAssignment.assign(accounts: accounts, members: two)
        let after = BalancedAssignment.assign(accounts: accounts, members: three)
        let moved = accounts.filter { before[$0] != after[$0] }
        // c takes its 10; few others shuffle between a and b.
        #expect(moved.filter { after[$0] == "c" }.count == 10)
        #expect(moved.count <= 14, "moved \(moved.count)")
    }
}
