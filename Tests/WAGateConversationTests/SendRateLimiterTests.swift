import Testing
import WAGateConversation
import WAGateCore

@Suite struct SendRateLimiterTests {
    typealias Limiter = SendRateLimiter<TestClock>

    @Test func burstThenWaitForRefill() {
        var limiter = Limiter(limits: .init(messagesPerMinute: 60, burst: 2, perChatIntervalMs: 0), now: .ms(0))
        #expect(limiter.decide(chat: "a", at: .ms(0)) == .sendNow)
        #expect(limiter.decide(chat: "b", at: .ms(0)) == .sendNow)
        #expect(limiter.decide(chat: "c", at: .ms(0)) == .wait(until: .ms(1000)))
        #expect(limiter.decide(chat: "c", at: .ms(1000)) == .sendNow)
    }

    @Test func perChatInterval() {
        var limiter = Limiter(limits: .init(messagesPerMinute: 600, burst: 10, perChatIntervalMs: 1500), now: .ms(0))
        #expect(limiter.decide(chat: "a", at: .ms(0)) == .sendNow)
        #expect(limiter.decide(chat: "a", at: .ms(10)) == .wait(until: .ms(1500)))
        #expect(limiter.decide(chat: "b", at: .ms(10)) == .sendNow)
        #expect(limiter.decide(chat: "a", at: .ms(1500)) == .sendNow)
        let snapshot = limiter.snapshot(at: .ms(1600))
        #expect(snapshot.chatNextAllowed == ["a": .ms(3000)])
        #expect(snapshot.tokens == 10)  // 10/s refills the three spent tokens well within 1.6 s
    }

    /// Property: random attempts never exceed rate + burst in any 60 s window nor break per-chat gaps.
    @Test(arguments: [(20, 5, 1000), (3, 1, 0), (120, 10, 250), (1, 3, 5000)])
    func randomAttemptsRespectLimits(rate: Int, burst: Int, interval: Int) {
        var rng = SplitMix(seed: UInt64(rate * 1000 + burst * 10 + interval))
        var limiter = Limiter(limits: .init(messagesPerMinute: rate, burst: burst, perChatIntervalMs: interval), now: .ms(0))
        var now = 0
        var sends: [(Int, String)] = []
        for _ in 0..<5000 {
            now += Int(rng.next() % 700)
            let chat = "c\(rng.next() % 4)"
            switch limiter.decide(chat: chat, at: .ms(now)) {
            case .sendNow: sends.append((now, chat))
            case .wait(let until): #expect(until > .ms(now))
            }
        }
        #expect(sends.count > 10)
        checkWindows(sends.map(\.0), max: rate + burst)
        var last: [String: Int] = [:]
        for (time, chat) in sends {
            if let previous = last[chat] { #expect(time - previous >= interval) }
            last[chat] = time
        }
    }

    @Test func changingLimitsAtRunTime() {
        var limiter = Limiter(limits: .init(messagesPerMinute: 60, burst: 5, perChatIntervalMs: 0), now: .ms(0))
        for index in 0..<5 { #expect(limiter.decide(chat: "\(index)", at: .ms(0)) == .sendNow) }
        limiter.updateLimits(.init(messagesPerMinute: 6, burst: 1, perChatIntervalMs: 2000), at: .ms(0))
        #expect(limiter.limits.messagesPerMinute == 6)
        #expect(limiter.decide(chat: "x", at: .ms(0)) == .wait(until: .ms(10_000)))
        #expect(limiter.decide(chat: "x", at: .ms(10_000)) == .sendNow)
        #expect(limiter.decide(chat: "x", at: .ms(30_000)) == .sendNow)
        #expect(limiter.snapshot(at: .ms(30_000)).tokens == 0)
        // Property across changes: windows stay within the largest rate + burst in force.
        var rng = SplitMix(seed: 7)
        var now = 30_000
        var sends: [Int] = []
        for step in 0..<3000 {
            if step % 500 == 0 {
                limiter.updateLimits(.init(messagesPerMinute: Int(rng.next() % 30) + 1, burst: Int(rng.next() % 4) + 1,
                    perChatIntervalMs: 500), at: .ms(now))
            }
            now += Int(rng.next() % 400)
            if limiter.decide(chat: "c\(rng.next() % 3)", at: .ms(now)) == .sendNow { sends.append(now) }
        }
        checkWindows(sends, max: 30 + 4)
    }

    private func checkWindows(_ times: [Int], max: Int) {
        var low = 0
        var worst = 0
        for high in times.indices {
            while times[high] - times[low] >= 60_000 { low += 1 }
            worst = Swift.max(worst, high - low + 1)
        }
        #expect(worst <= max, "a 60 s window held \(worst) sends, limit \(max)")
    }
}

/// Deterministic generator so failures reproduce.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
