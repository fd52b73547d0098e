import Testing
import WAGateConversation

@Suite struct DebouncerTests {
    typealias Bouncer = Debouncer<TestClock, String>
    let alice = Bouncer.Key(chat: "g1", sender: "alice")
    let bob = Bouncer.Key(chat: "g1", sender: "bob")

    @Test func batchesWithinTheWindow() {
        var debouncer = Bouncer(debounceMs: 1000)
        #expect(debouncer.receive("a1", key: alice, at: .ms(0)).isEmpty)
        #expect(debouncer.receive("b1", key: bob, at: .ms(100)).isEmpty)
        #expect(debouncer.receive("a2", key: alice, at: .ms(800)).isEmpty)
        #expect(debouncer.nextDeadline == .ms(1100))
        let first = debouncer.tick(at: .ms(1100))
        #expect(first.map(\.key) == [bob])
        #expect(first.first?.messages == ["b1"])
        #expect(debouncer.tick(at: .ms(1700)).isEmpty)
        #expect(debouncer.nextDeadline == .ms(1800))
        let second = debouncer.tick(at: .ms(1800))
        #expect(second.first?.messages == ["a1", "a2"])
        #expect(debouncer.nextDeadline == nil)
    }

    @Test func mediaOrReplyFlushesThenGoesAlone() {
        var debouncer = Bouncer(debounceMs: 1000)
        _ = debouncer.receive("a1", key: alice, at: .ms(0))
        _ = debouncer.receive("b1", key: bob, at: .ms(0))
        let out = debouncer.receive("photo", key: alice, alone: true, at: .ms(200))
        #expect(out.map(\.messages) == [["a1"], ["photo"]])
        #expect(debouncer.nextDeadline == .ms(1000))  // bob still waits
        #expect(debouncer.tick(at: .ms(1000)).map(\.messages) == [["b1"]])
        #expect(debouncer.receive("reply", key: bob, alone: true, at: .ms(1200)).map(\.messages) == [["reply"]])
    }

    @Test func zeroWindowPassesThrough() {
        var debouncer = Bouncer(debounceMs: 0)
        #expect(debouncer.receive("x", key: alice, at: .ms(0)).map(\.messages) == [["x"]])
        #expect(debouncer.receive("y", key: alice, at: .ms(0)).map(\.messages) == [["y"]])
        #expect(debouncer.nextDeadline == nil)
    }

    @Test func flushAllReleasesInArrivalOrder() {
        var debouncer = Bouncer(debounceMs: 5000)
        _ = debouncer.receive("b", key: bob, at: .ms(0))
        _ = debouncer.receive("a", key: alice, at: .ms(1))
        #expect(debouncer.flushAll().map(\.key) == [bob, alice])
        #expect(debouncer.nextDeadline == nil)
    }
}
