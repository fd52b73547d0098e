import Testing
import WAGateCore

@testable import WAGateControl

/// `events.subscribe` / `events.unsubscribe` and slow subscribers.
@Suite(.timeLimit(.minutes(1)))
struct ControlEventsTests {
    @Test func subscribeThenReceiveEventsInOrderWithSeq() async throws {
        try await withServer { running in
            running.bus.publish(kind: "before")
            try await withRawConnection(running.socketPath) { connection in
                let response = try await connection.call("events.subscribe", params: [:], id: 1)
                #expect(response["result"] == ["subscription": "s1", "seq": 1])
                running.bus.publish(kind: "account.state", agent: "bot", account: "sales", data: ["state": "up"])
                running.bus.publish(kind: "message.inbound", account: "sales", data: ["n": 1])

                let first = try await connection.readMessage()
                #expect(first["jsonrpc"] == "2.0")
                #expect(first["id"] == nil)
                #expect(first["method"] == "events")
                #expect(first["params"]?["subscription"] == "s1")
                #expect(first["params"]?["seq"] == 2)
                let event = try #require(first["params"]?["event"])
                #expect(event["seq"] == 2)
                #expect(event["kind"] == "account.state")
                #expect(event["agent"] == "bot")
                #expect(event["account"] == "sales")
                #expect(event["data"] == ["state": "up"])
                #expect(event["time"]?.stringValue != nil)

                let second = try await connection.readMessage()
                #expect(second["params"]?["seq"] == 3)
                #expect(second["params"]?["event"]?["kind"] == "message.inbound")

                // Calls keep working next to the subscription.
                let info = try await connection.call("rpc.info", id: 2)
                #expect(info["result"] != nil)
            }
        }
    }

    @Test func resumeWithSinceReplaysMissedEvents() async throws {
        try await withServer { running in
            for i in 1...5 { running.bus.publish(kind: "k", data: .int(Int64(i))) }
            try await withRawConnection(running.socketPath) { connection in
                let response = try await connection.call("events.subscribe", params: ["since": 2], id: 1)
                #expect(response["result"]?["seq"] == 5)
                running.bus.publish(kind: "k", data: 6)
                var seqs: [Int64] = []
                for _ in 0..<4 { seqs.append(try await connection.readMessage()["params"]?["seq"]?.intValue ?? -1) }
                #expect(seqs == [3, 4, 5, 6])
            }
        }
    }

    @Test func anExpiredCursorNamesTheOldestAvailableSeq() async throws {
        try await withServer(bus: EventBus(capacity: 16)) { running in
            for _ in 0..<40 { running.bus.publish(kind: "k") }
            try await withRawConnection(running.socketPath) { connection in
                let response = try await connection.call("events.subscribe", params: ["since": 5], id: 1)
                expectError(response, code: -32006, kind: "gw.CursorExpired", id: 1)
                #expect(response["error"]?["data"]?["oldest_available"] == 25)
                #expect(response["error"]?["data"]?["resume_with"] == ["since": 24])

                let bad = try await connection.call("events.subscribe", params: ["since": -1], id: 2)
                expectError(bad, code: -32602, kind: "gw.InvalidParams", id: 2)
                let badKinds = try await connection.call("events.subscribe", params: ["kinds": "k"], id: 3)
                expectError(badKinds, code: -32602, kind: "gw.InvalidParams", id: 3)
            }
        }
    }

    @Test func kindsAndAccountsFilter() async throws {
        try await withServer { running in
            try await withRawConnection(running.socketPath) { connection in
                _ = try await connection.call("events.subscribe", params: ["kinds": ["account.*", "pairing.request"]], id: 1)
                _ = try await connection.call("events.subscribe", params: ["accounts": ["sales"]], id: 2)
                running.bus.publish(kind: "message.inbound", account: "support")
                running.bus.publish(kind: "account.state", account: "support")
                running.bus.publish(kind: "message.inbound", account: "sales")
                running.bus.publish(kind: "pairing.request")
                var received: [String: [Int64]] = [:]
                for _ in 0..<3 {
                    let message = try await connection.readMessage()
                    received[message["params"]?["subscription"]?.stringValue ?? "?", default: []].append(
                        message["params"]?["seq"]?.intValue ?? -1)
                }
                #expect(received == ["s1": [2, 4], "s2": [3]])
            }
        }
    }

    @Test func unsubscribeStopsTheEvents() async throws {
        try await withServer { running in
            try await withRawConnection(running.socketPath) { connection in
                _ = try await connection.call("events.subscribe", id: 1)
                running.bus.publish(kind: "one")
                #expect(try await connection.readMessage()["params"]?["seq"] == 1)
                let response = try await connection.call("events.unsubscribe", params: ["subscription": "s1"], id: 2)
                #expect(response["result"] == ["subscription": "s1", "unsubscribed": true])
                running.bus.publish(kind: "two")
                var others: [JSONValue] = []
                _ = try await connection.call("rpc.info", id: 3, others: &others)
                #expect(others.isEmpty)
                #expect(running.server.statistics().subscriptions == 0)

                let unknown = try await connection.call("events.unsubscribe", params: ["subscription": "s1"], id: 4)
                expectError(unknown, code: -32602, kind: "gw.SubscriptionNotFound", id: 4)
            }
        }
    }

    @Test func aSlowSubscriberGetsExactlyOneLaggedAndTheConnectionKeepsAnswering() async throws {
        let queueLimit = 32
        let bus = EventBus(capacity: 100_000)
        try await withServer(
            bus: bus,
            configure: {
                $0.outputQueueMaxMessages = queueLimit
                $0.subscriptionBufferLimit = queueLimit
            }
        ) { running in
            try await withRawConnection(running.socketPath) { connection in
                let response = try await connection.call("events.subscribe", id: 1)
                #expect(response["result"]?["subscription"] == "s1")

                // Stop reading while publishing far more than the socket buffers can hold.
                let payload = JSONValue.string(String(repeating: "p", count: 200))
                var published = 0
                while running.server.statistics().subscriptions > 0 && published < 60_000 {
                    for _ in 0..<500 { bus.publish(kind: "flood", data: ["p": payload]) }
                    published += 500
                    let statistics = running.server.statistics()
                    #expect(statistics.maxQueuedNotifications <= queueLimit)
                    #expect(bus.statistics().maxBufferedEvents <= queueLimit)
                    await Task.yield()
                }
                try await eventually("the subscription to lag") { running.server.statistics().subscriptions == 0 }
                #expect(bus.statistics().subscribers == 0)

                // Now read everything: consecutive events, then exactly one events.lagged.
                var lastSeq: Int64 = 0
                var lagged: JSONValue?
                while lagged == nil {
                    let message = try await connection.readMessage()
                    switch message["method"]?.stringValue {
                    case "events":
                        let seq = message["params"]?["seq"]?.intValue ?? -1
                        #expect(seq == lastSeq + 1)
                        lastSeq = seq
                    case "events.lagged":
                        lagged = message
                    default:
                        Issue.record("unexpected message \(message.jsonString())")
                    }
                }
                #expect(lastSeq > 0)
                #expect(lagged?["params"]?["subscription"] == "s1")
                #expect(lagged?["params"]?["dropped_from"]?.intValue == lastSeq + 1)
                #expect(lagged?["params"]?["resume_with"] == ["since": .int(lastSeq)])

                // More events go nowhere; calls are still answered, with nothing else before the answer.
                for _ in 0..<10 { bus.publish(kind: "after") }
                var others: [JSONValue] = []
                let info = try await connection.call("rpc.info", id: 2, others: &others)
                #expect(info["result"] != nil)
                #expect(others.isEmpty)

                // The resume point works.
                let resumed = try await connection.call("events.subscribe", params: ["since": .int(lastSeq)], id: 3)
                #expect(resumed["result"]?["subscription"] == "s2")
                let next = try await connection.readMessage()
                #expect(next["params"]?["seq"]?.intValue == lastSeq + 1)
            }
        }
    }

    @Test func subscriptionsPerConnectionAreLimited() async throws {
        try await withServer(configure: { $0.maxSubscriptionsPerConnection = 2 }) { running in
            try await withRawConnection(running.socketPath) { connection in
                _ = try await connection.call("events.subscribe", id: 1)
                _ = try await connection.call("events.subscribe", id: 2)
                let third = try await connection.call("events.subscribe", id: 3)
                expectError(third, code: -32004, kind: "gw.TooManySubscriptions", id: 3)
            }
        }
    }

    @Test func subscriptionsEndWithTheirConnection() async throws {
        try await withServer { running in
            try await withRawConnection(running.socketPath) { connection in
                _ = try await connection.call("events.subscribe", id: 1)
                #expect(running.server.statistics().subscriptions == 1)
            }
            try await eventually("the connection to be gone") { running.server.statistics().openConnections == 0 }
            running.bus.publish(kind: "k")
            try await eventually("the bus subscriber to be gone") { running.bus.statistics().subscribers == 0 }
        }
    }
}
