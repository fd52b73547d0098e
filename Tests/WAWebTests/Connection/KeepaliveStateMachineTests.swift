import Testing

@testable import WAWeb

/// Keepalive pings, missed-ping counting and liveness from inbound frames, on a mock clock.
@Suite struct KeepaliveStateMachineTests {
    typealias Machine = KeepaliveStateMachine<MockClock>

    let clock = MockClock()

    /// A machine whose ping interval is always its upper bound (30 s by default).
    func machine(_ configuration: KeepaliveConfiguration = .init()) -> Machine {
        Machine(startingAt: clock.now, configuration: configuration, generator: MaximumRandomNumberGenerator())
    }

    /// Advances to the next deadline and ticks.
    func step(_ machine: inout Machine) -> KeepaliveAction {
        guard let deadline = machine.nextDeadline else { return .none }
        clock.advance(to: deadline)
        return machine.tick(at: clock.now)
    }

    /// Sends a ping and lets its deadline pass unanswered.
    func missOnePing(_ machine: inout Machine) -> KeepaliveAction {
        #expect(step(&machine) == .sendPing)
        return step(&machine)
    }

    @Test func pingsAfterTheIntervalAndNotBefore() {
        var keepalive = machine()
        let start = clock.now
        #expect(keepalive.nextDeadline == start.advanced(by: .seconds(30)))
        clock.advance(by: .seconds(29))
        #expect(keepalive.tick(at: clock.now) == .none)
        clock.advance(by: .seconds(1))
        #expect(keepalive.tick(at: clock.now) == .sendPing)
        #expect(keepalive.isAwaitingReply)
        #expect(keepalive.nextDeadline == clock.now.advanced(by: .seconds(10)))
    }

    @Test func declaresDeathAfterTheConfiguredMissesAndNotBefore() {
        var keepalive = machine()
        #expect(missOnePing(&keepalive) == .none)
        #expect(keepalive.missedPings == 1)
        #expect(missOnePing(&keepalive) == .none)
        #expect(keepalive.missedPings == 2)
        #expect(!keepalive.isDead)
        #expect(missOnePing(&keepalive) == .declareDead(.keepaliveTimeout))
        #expect(keepalive.isDead)
        #expect(keepalive.nextDeadline == nil)
        // Dead is final: nothing more is sent.
        clock.advance(by: .seconds(600))
        #expect(keepalive.tick(at: clock.now) == .none)
        keepalive.frameReceived(at: clock.now)
        #expect(keepalive.isDead)
        // 30 + 10, then 30 + 10, then 30 + 10 of silence.
        #expect(clock.now == MockClock.Instant(offset: .seconds(600 + 120)))
    }

    @Test func deathDecisionFeedsTheReconnectMachine() {
        var keepalive = machine(.init(maxMissedPings: 1))
        guard case .declareDead(let reason) = missOnePing(&keepalive) else {
            Issue.record("one missed ping must be fatal with maxMissedPings 1")
            return
        }
        #expect(reason.decision == .backoff)
    }

    @Test func inboundTrafficResetsTheMissedCount() {
        var keepalive = machine()
        _ = missOnePing(&keepalive)
        _ = missOnePing(&keepalive)
        #expect(keepalive.missedPings == 2)
        keepalive.frameReceived(at: clock.now)
        #expect(keepalive.missedPings == 0)
        #expect(missOnePing(&keepalive) == .none)
        #expect(missOnePing(&keepalive) == .none)
        #expect(missOnePing(&keepalive) == .declareDead(.keepaliveTimeout))
    }

    @Test func anyFrameAnswersAnOutstandingPing() {
        var keepalive = machine()
        _ = missOnePing(&keepalive)
        #expect(step(&keepalive) == .sendPing)
        clock.advance(by: .seconds(3))
        keepalive.frameReceived(at: clock.now)
        #expect(!keepalive.isAwaitingReply)
        #expect(keepalive.missedPings == 0)
        #expect(keepalive.nextDeadline == clock.now.advanced(by: .seconds(30)))
        // The old reply deadline passing does nothing.
        clock.advance(by: .seconds(7))
        #expect(keepalive.tick(at: clock.now) == .none)
    }

    @Test func trafficDoesNotPostponeThePingSchedule() {
        var keepalive = machine()
        let due = keepalive.nextDeadline
        clock.advance(by: .seconds(10))
        keepalive.frameReceived(at: clock.now)
        #expect(keepalive.nextDeadline == due)
    }

    @Test func intervalsAreJitteredWithinTheRange() {
        var keepalive = Machine(startingAt: clock.now, generator: SeededRandomNumberGenerator(seed: 3))
        var intervals: [Duration] = []
        for _ in 0..<200 {
            let before = clock.now
            #expect(step(&keepalive) == .sendPing)
            intervals.append(before.duration(to: clock.now))
            clock.advance(by: .seconds(1))
            keepalive.frameReceived(at: clock.now)
        }
        #expect(intervals.allSatisfy { $0 >= .seconds(20) && $0 <= .seconds(30) })
        #expect(Set(intervals).count > 150)
    }
}
