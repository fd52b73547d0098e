import Foundation
import Testing
import WAGateStore
import WAGateTestSupport

@Suite struct PairingRepositoryTests {
    @Test func expiredRequestsFreeTheirSlotAndCannotBeApproved() async throws {
        try await withTestDatabase { db in
            let pairing = PairingRepository(pool: db.pool)
            let codes = ["AAAAAAAA", "AAAAAAAA", "AAAAAAAA", "BBBBBBBB"]
            let next = ManagedCounter()
            let make: @Sendable () -> String = { codes[next.increment() % codes.count] }
            #expect(try await pairing.upsert(accountID: "a/x", sender: "+1", meta: nil, ttl: .seconds(1), maxPending: 1, makeCode: make) == .created(code: "AAAAAAAA"))
            #expect(try await pairing.upsert(accountID: "a/x", sender: "+2", meta: nil, ttl: .seconds(1), maxPending: 1, makeCode: make) == .full)
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await pairing.approve(accountID: "a/x", code: "AAAAAAAA", ttl: .seconds(1), approvedBy: "t") == nil)
            // The expired request is gone, so +2 gets a slot; a code already pending is never reused.
            #expect(try await pairing.upsert(accountID: "a/x", sender: "+2", meta: nil, ttl: .seconds(1), maxPending: 2, makeCode: make) == .created(code: "AAAAAAAA"))
            #expect(try await pairing.upsert(accountID: "a/x", sender: "+3", meta: nil, ttl: .seconds(1), maxPending: 2, makeCode: make) == .created(code: "BBBBBBBB"))
            #expect(try await pairing.reject(accountID: "a/x", code: "bbbbbbbb") == "+3")
            #expect(try await pairing.approvedSenders(accountID: "a/x").isEmpty)
            #expect(try await pairing.approve(accountID: "a/x", code: "AAAAAAAA", ttl: .seconds(60), approvedBy: "t") == "+2")
            #expect(try await pairing.approvedSenders(accountID: "a/x") == ["+2"])
        }
    }
}

final class ManagedCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}
