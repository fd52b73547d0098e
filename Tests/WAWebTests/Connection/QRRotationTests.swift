import Testing

@testable import WAWeb

/// QR ref rotation: 60 s then 20 s, new refs when a round runs out, give-up after N rounds.
@Suite struct QRRotationTests {
    typealias Rotation = QRRotation<MockClock>

    let clock = MockClock()
    static let refs = (1...6).map { "ref\($0)" }

    /// Advances to the next rotation and ticks.
    func step(_ rotation: inout Rotation) -> QRRotationAction {
        guard let due = rotation.nextRotation else { return .none }
        clock.advance(to: due)
        return rotation.tick(at: clock.now)
    }

    @Test func firstRefSixtySecondsThenTwentyEach() {
        var rotation = Rotation(account: "sales/main")
        let start = clock.now
        #expect(rotation.refsReceived(Self.refs, at: clock.now) == .show(ref: "ref1", duration: .seconds(60), index: 1, round: 1))
        #expect(rotation.currentRef == "ref1")
        #expect(rotation.nextRotation == start.advanced(by: .seconds(60)))
        clock.advance(by: .seconds(59))
        #expect(rotation.tick(at: clock.now) == .none)
        clock.advance(by: .seconds(1))
        #expect(rotation.tick(at: clock.now) == .show(ref: "ref2", duration: .seconds(20), index: 2, round: 1))
        for index in 3...6 {
            #expect(step(&rotation) == .show(ref: "ref\(index)", duration: .seconds(20), index: index, round: 1))
        }
        #expect(step(&rotation) == .requestNewRefs)
        #expect(clock.now == start.advanced(by: .seconds(160)))
        #expect(rotation.nextRotation == nil)
        #expect(rotation.currentRef == nil)
    }

    @Test func eachRoundStartsWithSixtySeconds() {
        var rotation = Rotation()
        _ = rotation.refsReceived(Self.refs, at: clock.now)
        for _ in 0..<6 { _ = step(&rotation) }
        #expect(rotation.refsReceived(["a", "b"], at: clock.now) == .show(ref: "a", duration: .seconds(60), index: 1, round: 2))
        #expect(step(&rotation) == .show(ref: "b", duration: .seconds(20), index: 2, round: 2))
        #expect(step(&rotation) == .requestNewRefs)
    }

    @Test func givesUpAfterTheConfiguredRounds() {
        var rotation = Rotation(account: "sales/main")
        for round in 1...5 {
            #expect(rotation.refsReceived(Self.refs, at: clock.now) == .show(ref: "ref1", duration: .seconds(60), index: 1, round: round))
            for _ in 2...6 { _ = step(&rotation) }
            let end = step(&rotation)
            if round < 5 {
                #expect(end == .requestNewRefs)
            } else {
                #expect(end == .giveUp(reason: "QR code not scanned after 5 rounds; run `wagate accounts start sales/main` to try again"))
            }
        }
        #expect(rotation.gaveUp)
        #expect(rotation.refsReceived(Self.refs, at: clock.now) == .none)
        #expect(rotation.tick(at: clock.now) == .none)
    }

    @Test func roundLimitIsConfigurable() {
        var rotation = Rotation(configuration: .init(maxRounds: 1))
        _ = rotation.refsReceived(["only"], at: clock.now)
        #expect(step(&rotation) == .giveUp(reason: "QR code not scanned after 1 round; run `wagate accounts start AGENT/ACCOUNT` to try again"))
    }

    @Test func unrequestedRoundsBeyondTheLimitGiveUp() {
        var rotation = Rotation(configuration: .init(maxRounds: 2))
        _ = rotation.refsReceived(Self.refs, at: clock.now)
        _ = rotation.refsReceived(Self.refs, at: clock.now)  // e.g. after a network reconnect
        guard case .giveUp = rotation.refsReceived(Self.refs, at: clock.now) else {
            Issue.record("a third round must not be shown with maxRounds 2")
            return
        }
    }

    @Test func emptyRoundRequestsNewRefs() {
        var rotation = Rotation()
        #expect(rotation.refsReceived([], at: clock.now) == .requestNewRefs)
        #expect(rotation.round == 1)
    }

    @Test func lateWakeUpStillShowsTheFullDuration() {
        var rotation = Rotation()
        _ = rotation.refsReceived(Self.refs, at: clock.now)
        clock.advance(by: .seconds(75))
        #expect(rotation.tick(at: clock.now) == .show(ref: "ref2", duration: .seconds(20), index: 2, round: 1))
        #expect(rotation.nextRotation == clock.now.advanced(by: .seconds(20)))
    }

    @Test func exhaustedRefsReconnectAtOnceThroughTheReconnectMachine() {
        var reconnect = ReconnectStateMachine<MockClock>()
        _ = reconnect.connectRequested(paired: false)
        var rotation = Rotation(configuration: .init(maxRounds: 2))
        _ = rotation.refsReceived(["r"], at: clock.now)
        #expect(step(&rotation) == .requestNewRefs)
        #expect(reconnect.disconnected(.qrRefsExhausted, at: clock.now) == .connect)
        #expect(reconnect.phase == .awaitingQR)
        _ = rotation.refsReceived(["s"], at: clock.now)
        guard case .giveUp(let reason) = step(&rotation) else {
            Issue.record("expected give-up")
            return
        }
        #expect(reconnect.stopRequested(reason: reason) == .stop(reason: reason))
        #expect(reconnect.phase == .stopped)
    }
}
