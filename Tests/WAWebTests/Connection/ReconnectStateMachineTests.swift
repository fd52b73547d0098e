import Testing

@testable import WAWeb

/// The reconnect policy driven with a mock clock and seeded randomness.
@Suite struct ReconnectStateMachineTests {
    typealias Machine = ReconnectStateMachine<MockClock>

    let clock = MockClock()

    /// A machine that was started with a stored session and logged in.
    func connectedMachine(
        _ configuration: ReconnectConfiguration = .init(), generator: some RandomNumberGenerator & Sendable = SeededRandomNumberGenerator(seed: 1)
    ) -> Machine {
        var machine = Machine(configuration: configuration, generator: generator)
        #expect(machine.connectRequested(paired: true) == .connect)
        #expect(machine.phase == .connecting)
        #expect(machine.connected(at: clock.now) == .none)
        #expect(machine.phase == .connected)
        return machine
    }

    /// Fails `count` connection attempts in a row with `reason` and returns the scheduled delays.
    func fail(_ machine: inout Machine, times count: Int, with reason: DisconnectReason = .networkLost(detail: nil)) -> [(Duration, Int)] {
        var scheduled: [(Duration, Int)] = []
        for _ in 0..<count {
            guard case .scheduleReconnect(let delay, let attempt) = machine.disconnected(reason, at: clock.now) else {
                Issue.record("expected a scheduled reconnect in \(machine.phase)")
                return scheduled
            }
            scheduled.append((delay, attempt))
            #expect(machine.phase == .backoff)
            clock.advance(by: delay)
            #expect(machine.timerFired() == .connect)
            #expect(machine.phase == .connecting)
        }
        return scheduled
    }

    // MARK: - Start

    @Test func startsInStoppedAndConnects() {
        var machine = Machine()
        #expect(machine.phase == .stopped)
        #expect(machine.reason == nil)
        #expect(machine.connectRequested(paired: true) == .connect)
        #expect(machine.connectRequested(paired: true) == .none)
        #expect(machine.phase == .connecting)
    }

    @Test func startWithoutSessionAwaitsQRUntilPaired() {
        var machine = Machine()
        #expect(machine.connectRequested(paired: false) == .connect)
        #expect(machine.phase == .awaitingQR)
        // Refs expire: new refs at once, still pairing.
        #expect(machine.disconnected(.qrRefsExhausted, at: clock.now) == .connect)
        #expect(machine.phase == .awaitingQR)
        #expect(machine.paired() == .none)
        #expect(machine.phase == .connecting)
        // The 515 that always follows pairing reconnects at once to log in.
        #expect(machine.disconnected(.restartRequired, at: clock.now) == .connect)
        #expect(machine.phase == .connecting)
        #expect(machine.connected(at: clock.now) == .none)
        #expect(machine.phase == .connected)
    }

    // MARK: - 515

    @Test func restartRequiredReconnectsImmediatelyWithoutCountingAnAttempt() {
        var machine = connectedMachine()
        _ = fail(&machine, times: 2)
        #expect(machine.attempts == 2)
        #expect(machine.disconnected(.restartRequired, at: clock.now) == .connect)
        #expect(machine.phase == .connecting)
        #expect(machine.attempts == 2)
        #expect(machine.reason?.contains("515") == true)
    }

    @Test func repeated515WithoutLoginFallsBackToBackoff() {
        var machine = connectedMachine()
        for _ in 0..<3 { #expect(machine.disconnected(.restartRequired, at: clock.now) == .connect) }
        guard case .scheduleReconnect(_, let attempt) = machine.disconnected(.restartRequired, at: clock.now) else {
            Issue.record("the 4th 515 in a row must back off")
            return
        }
        #expect(attempt == 1)
        // A login in between restores the immediate restart.
        #expect(machine.timerFired() == .connect)
        _ = machine.connected(at: clock.now)
        #expect(machine.disconnected(.restartRequired, at: clock.now) == .connect)
    }

    // MARK: - 440

    @Test func replacedStopsAndNeverSchedules() {
        var machine = connectedMachine()
        let action = machine.disconnected(.replaced, at: clock.now)
        #expect(action == .stop(reason: "replaced: another connection took over this device"))
        #expect(machine.phase == .stopped)
        #expect(machine.reason == "replaced: another connection took over this device")
        clock.advance(by: .seconds(3600))
        #expect(machine.timerFired() == .none)
        #expect(machine.disconnected(.serverClosed, at: clock.now) == .none)
        #expect(machine.phase == .stopped)
        // Only an explicit start connects again.
        #expect(machine.connectRequested(paired: true) == .connect)
    }

    @Test func replacedWhileConnectingAlsoStops() {
        var machine = Machine()
        _ = machine.connectRequested(paired: true)
        #expect(machine.disconnected(DisconnectReason(statusCode: 440), at: clock.now) == .stop(reason: DisconnectReason.replacedReason))
    }

    // MARK: - 401

    @Test func loggedOutDiscardsTheSessionAndPairsAgain() {
        var machine = connectedMachine()
        _ = fail(&machine, times: 3)
        _ = machine.connected(at: clock.now)
        let action = machine.disconnected(.loggedOut, at: clock.now)
        guard case .discardSessionAndPair(let reason) = action else {
            Issue.record("401 must discard the session, got \(action)")
            return
        }
        #expect(reason.contains("the phone removed this device"))
        #expect(machine.reason == reason)
        #expect(machine.phase == .awaitingQR)
        #expect(machine.attempts == 0)
    }

    @Test func loggedOutWhilePairingFailsInsteadOfLooping() {
        var machine = Machine()
        _ = machine.connectRequested(paired: false)
        guard case .fail = machine.disconnected(.loggedOut, at: clock.now) else {
            Issue.record("a 401 with no session left must fail")
            return
        }
        #expect(machine.phase == .failed)
    }

    // MARK: - Operator-level failures

    @Test(arguments: [DisconnectReason.forbidden(message: "LOCKED"), .clientOutdated, .multideviceMismatch, .banned])
    func refusalsFail(reason: DisconnectReason) {
        var machine = connectedMachine()
        guard case .fail(let text) = machine.disconnected(reason, at: clock.now) else {
            Issue.record("\(reason) must fail")
            return
        }
        #expect(text.contains(reason.description))
        #expect(machine.phase == .failed)
        #expect(machine.timerFired() == .none)
        #expect(machine.connectRequested(paired: true) == .connect)
        #expect(machine.attempts == 0)
    }

    // MARK: - Backoff

    @Test(arguments: [
        DisconnectReason.networkLost(detail: nil), .timedOut, .connectionClosed, .serverError(code: 500),
        .serviceUnavailable, .handshakeFailed(detail: nil), .keepaliveTimeout, .tlsFailure(detail: nil), .serverClosed,
    ])
    func transientCausesBackOff(reason: DisconnectReason) {
        var machine = connectedMachine()
        let scheduled = fail(&machine, times: 1, with: reason)
        #expect(scheduled.count == 1)
        #expect(scheduled.first?.1 == 1)
    }

    @Test func delayBoundsDoubleUpToTheCap() {
        let configuration = ReconnectConfiguration()
        let bounds = (1...9).map { configuration.delayBound(forAttempt: $0) }
        #expect(bounds == [1, 2, 4, 8, 16, 32, 60, 60, 60].map { Duration.seconds($0) })
        #expect(configuration.delayBound(forAttempt: 1_000_000) == .seconds(60))
        #expect(configuration.delayBound(forAttempt: .max) == .seconds(60))
        #expect(configuration.delayBound(forAttempt: 0) == .seconds(1))
    }

    @Test func delaysAreTheBoundWhenRandomnessIsMaximal() {
        var machine = connectedMachine(generator: MaximumRandomNumberGenerator())
        let delays = fail(&machine, times: 8).map(\.0)
        #expect(delays == [1, 2, 4, 8, 16, 32, 60, 60].map { Duration.seconds($0) })
    }

    @Test func jitteredDelaysStayWithinTheBoundAndGoOnForever() {
        let configuration = ReconnectConfiguration()
        var machine = connectedMachine(configuration, generator: SeededRandomNumberGenerator(seed: 42))
        let scheduled = fail(&machine, times: 1_000)
        #expect(scheduled.count == 1_000)
        #expect(scheduled.map(\.1) == Array(1...1_000))
        for (delay, attempt) in scheduled {
            #expect(delay >= .zero)
            #expect(delay <= configuration.delayBound(forAttempt: attempt))
            #expect(delay <= configuration.maximumDelay)
        }
        // Full jitter really spreads: capped delays are not all equal and cover both halves of [0, cap].
        let capped = scheduled.dropFirst(10).map(\.0)
        #expect(Set(capped).count > 900)
        #expect(capped.contains { $0 < .seconds(30) })
        #expect(capped.contains { $0 > .seconds(30) })
        #expect(machine.phase == .connecting)
    }

    @Test func sameSeedSameDelays() {
        var first = connectedMachine(generator: SeededRandomNumberGenerator(seed: 7))
        var second = connectedMachine(generator: SeededRandomNumberGenerator(seed: 7))
        #expect(fail(&first, times: 20).map(\.0) == fail(&second, times: 20).map(\.0))
    }

    @Test func backoffReasonCarriesTheCauseAttemptAndDelay() {
        var machine = connectedMachine(generator: MaximumRandomNumberGenerator())
        _ = fail(&machine, times: 2, with: .timedOut)
        _ = machine.disconnected(.timedOut, at: clock.now)
        #expect(machine.reason == "connection timed out or lost (408); reconnect attempt 3 in 4.000 s")
    }

    // MARK: - Stable period

    @Test func attemptsResetAfterAStablePeriod() {
        var machine = connectedMachine(generator: MaximumRandomNumberGenerator())
        _ = fail(&machine, times: 5)
        _ = machine.connected(at: clock.now)
        clock.advance(by: .seconds(60))
        #expect(machine.disconnected(.networkLost(detail: nil), at: clock.now) == .scheduleReconnect(after: .seconds(1), attempt: 1))
    }

    @Test func attemptsDoNotResetAfterAShortConnection() {
        var machine = connectedMachine(generator: MaximumRandomNumberGenerator())
        _ = fail(&machine, times: 5)
        _ = machine.connected(at: clock.now)
        clock.advance(by: .seconds(59))
        #expect(machine.disconnected(.networkLost(detail: nil), at: clock.now) == .scheduleReconnect(after: .seconds(32), attempt: 6))
    }

    @Test func stablePeriodIsConfigurable() {
        var machine = connectedMachine(.init(stablePeriod: .seconds(5)), generator: MaximumRandomNumberGenerator())
        _ = fail(&machine, times: 3)
        _ = machine.connected(at: clock.now)
        clock.advance(by: .seconds(5))
        #expect(machine.disconnected(.serverClosed, at: clock.now) == .scheduleReconnect(after: .seconds(1), attempt: 1))
    }

    // MARK: - Stop

    @Test func stopDuringBackoffCancelsThePendingReconnect() {
        var machine = connectedMachine()
        guard case .scheduleReconnect = machine.disconnected(.networkLost(detail: nil), at: clock.now) else {
            Issue.record("expected backoff")
            return
        }
        #expect(machine.stopRequested() == .stop(reason: "stopped by request"))
        #expect(machine.phase == .stopped)
        clock.advance(by: .seconds(120))
        #expect(machine.timerFired() == .none)
        #expect(machine.phase == .stopped)
        #expect(machine.stopRequested() == .none)
    }

    @Test func stopWhileConnectedIgnoresTheLateSocketClose() {
        var machine = connectedMachine()
        #expect(machine.stopRequested(reason: "gateway shutting down") == .stop(reason: "gateway shutting down"))
        #expect(machine.disconnected(.connectionClosed, at: clock.now) == .none)
        #expect(machine.reason == "gateway shutting down")
    }

    @Test func startDuringBackoffConnectsNowAndKeepsTheCount() {
        var machine = connectedMachine()
        _ = fail(&machine, times: 2)
        _ = machine.disconnected(.networkLost(detail: nil), at: clock.now)
        #expect(machine.connectRequested(paired: true) == .connect)
        #expect(machine.phase == .connecting)
        // The old timer firing late does nothing.
        #expect(machine.timerFired() == .none)
        #expect(machine.attempts == 3)
    }

    @Test func lateEventsAreIgnored() {
        var machine = Machine()
        #expect(machine.connected(at: clock.now) == .none)
        #expect(machine.disconnected(.networkLost(detail: nil), at: clock.now) == .none)
        #expect(machine.timerFired() == .none)
        #expect(machine.phase == .stopped)
    }

    @Test func phasesUseAccountStateNames() {
        #expect(ConnectionPhase.allCases.map(\.rawValue) == ["stopped", "connecting", "awaiting_qr", "connected", "backoff", "failed"])
    }
}
