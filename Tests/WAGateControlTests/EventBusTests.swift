import Testing
import WAGateCore

@Suite(.timeLimit(.minutes(1)))
struct EventBusTests {
    @Test func publishAssignsIncreasingSequenceNumbers() {
        let bus = EventBus(capacity: 4)
        #expect(bus.currentSeq == 0)
        #expect(bus.oldestAvailableSeq == 1)
        let first = bus.publish(kind: "a", data: 1)
        let second = bus.publish(kind: "b", agent: "ag", account: "ac", data: ["x": 2])
        #expect(first.seq == 1)
        #expect(second.seq == 2)
        #expect(second.agent == "ag")
        #expect(second.account == "ac")
        #expect(bus.currentSeq == 2)
        for _ in 0..<5 { bus.publish(kind: "c") }
        #expect(bus.currentSeq == 7)
        #expect(bus.oldestAvailableSeq == 4)
        #expect(bus.statistics().ringEvents == 4)
    }

    @Test func liveSubscriptionReceivesEventsInOrder() async throws {
        let bus = EventBus()
        bus.publish(kind: "before")
        let subscription = try bus.subscribe()
        #expect(subscription.startSeq == 1)
        for i in 0..<5 { bus.publish(kind: "k", data: .int(Int64(i))) }
        var received: [GatewayEvent] = []
        for try await event in subscription {
            received.append(event)
            if received.count == 5 { break }
        }
        #expect(received.map(\.seq) == [2, 3, 4, 5, 6])
        #expect(received.map(\.data) == [0, 1, 2, 3, 4])
    }

    @Test func subscribeSinceReplaysFromTheRingThenGoesLive() async throws {
        let bus = EventBus(capacity: 10)
        for _ in 0..<6 { bus.publish(kind: "k") }
        let subscription = try bus.subscribe(since: 3)
        #expect(subscription.startSeq == 6)
        #expect(subscription.bufferedCount == 3)
        bus.publish(kind: "live")
        var iterator = subscription.makeAsyncIterator()
        var seqs: [UInt64] = []
        for _ in 0..<4 { seqs.append(try await iterator.next()!.seq) }
        #expect(seqs == [4, 5, 6, 7])

        // since == current: nothing to replay; since 0 while nothing was evicted: everything.
        #expect(try bus.subscribe(since: bus.currentSeq).bufferedCount == 0)
        #expect(try bus.subscribe(since: 0).bufferedCount == 7)
    }

    @Test func expiredCursorNamesTheOldestAvailableSeq() throws {
        let bus = EventBus(capacity: 5)
        for _ in 0..<12 { bus.publish(kind: "k") }
        // The ring holds 8...12: since 7 is the oldest cursor that loses nothing.
        #expect(try bus.subscribe(since: 7).bufferedCount == 5)
        #expect(throws: EventBusError.cursorExpired(since: 6, oldestAvailable: 8, current: 12)) {
            try bus.subscribe(since: 6)
        }
        // A cursor from the future (another run of the gateway) is expired too.
        #expect(throws: EventBusError.cursorExpired(since: 13, oldestAvailable: 8, current: 12)) {
            try bus.subscribe(since: 13)
        }
    }

    @Test func filterByKindPrefixAccountAndAgent() async throws {
        let bus = EventBus()
        let byKind = try bus.subscribe(filter: EventFilter(kinds: ["account.*", "pairing.request"]))
        let byAccount = try bus.subscribe(filter: EventFilter(accounts: ["sales"]))
        let byAgent = try bus.subscribe(filter: EventFilter(agents: ["bot"]))
        bus.publish(kind: "account.state", account: "sales")
        bus.publish(kind: "message.inbound", agent: "bot", account: "support")
        bus.publish(kind: "pairing.request")
        bus.publish(kind: "accounting")
        bus.publish(kind: "end", agent: "bot", account: "sales")
        #expect(byKind.bufferedCount == 2)
        #expect(byAccount.bufferedCount == 2)
        #expect(byAgent.bufferedCount == 2)
        var iterator = byKind.makeAsyncIterator()
        #expect(try await iterator.next()?.kind == "account.state")
        #expect(try await iterator.next()?.kind == "pairing.request")
    }

    @Test func slowSubscriberLagsWithBoundedBuffer() async throws {
        let bus = EventBus()
        let subscription = try bus.subscribe(bufferLimit: 4)
        for _ in 0..<100 {
            bus.publish(kind: "k")
            #expect(subscription.bufferedCount <= 4)
        }
        #expect(bus.statistics().maxBufferedEvents == 4)
        var seqs: [UInt64] = []
        do {
            for try await event in subscription { seqs.append(event.seq) }
            Issue.record("the subscription should end with lagged")
        } catch {
            #expect(error == .lagged(droppedFrom: 5))
        }
        #expect(seqs == [1, 2, 3, 4])
        // Ended for good: the bus forgot it.
        #expect(bus.statistics().subscribers == 0)
        var iterator = subscription.makeAsyncIterator()
        #expect(try await iterator.next() == nil)
    }

    @Test func cancelEndsAWaitingConsumer() async throws {
        let bus = EventBus()
        let subscription = try bus.subscribe()
        async let ended: Int = {
            var count = 0
            for try await _ in subscription { count += 1 }
            return count
        }()
        bus.publish(kind: "one")
        try await eventually("the event to be consumed") { subscription.bufferedCount == 0 }
        subscription.cancel()
        #expect(try await ended <= 1)
        #expect(bus.statistics().subscribers == 0)
    }

    @Test func cancellingTheIteratingTaskEndsTheSubscription() async throws {
        let bus = EventBus()
        let subscription = try bus.subscribe()
        let task = Task {
            for try await _ in subscription {}
        }
        task.cancel()
        try await task.value
        #expect(bus.statistics().subscribers == 0)
    }

    @Test func droppingTheSubscriptionUnregistersIt() throws {
        let bus = EventBus()
        do {
            let subscription = try bus.subscribe()
            bus.publish(kind: "k")
            #expect(subscription.bufferedCount == 1)
            #expect(bus.statistics().subscribers == 1)
        }
        #expect(bus.statistics().subscribers == 0)
    }

    @Test func eventJSONHasTheWireFields() {
        let bus = EventBus()
        let event = bus.publish(kind: "account.state", agent: "bot", account: "sales", data: ["state": "connected"])
        let json = event.jsonValue
        #expect(json["seq"] == 1)
        #expect(json["kind"] == "account.state")
        #expect(json["agent"] == "bot")
        #expect(json["account"] == "sales")
        #expect(json["data"] == ["state": "connected"])
        #expect(json["time"]?.stringValue?.hasSuffix("Z") == true)
        #expect(bus.publish(kind: "x").jsonValue["account"] == nil)
    }
}
