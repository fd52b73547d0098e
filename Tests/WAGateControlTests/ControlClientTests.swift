import Testing
import WAGateCore

@testable import WAGateControl

@Suite(.timeLimit(.minutes(1)))
struct ControlClientTests {
    @Test func callReturnsTheResult() async throws {
        try await withServer { running in
            let result = try await ControlClient.withConnection(socketPath: running.socketPath) { client in
                try await client.call("test.echo", params: ["a": [1, "b"]])
            }
            #expect(result == ["a": [1, "b"]])
        }
    }

    @Test func remoteErrorsCarryCodeMessageAndKind() async throws {
        try await withServer { running in
            try await ControlClient.withConnection(socketPath: running.socketPath) { client in
                do {
                    _ = try await client.call("no.such")
                    Issue.record("should fail")
                } catch let error as ControlClientError {
                    #expect(error.code == -32601)
                    #expect(error.kind == "gw.MethodNotFound")
                    #expect(error.isRemote)
                    #expect(error.message.contains("no.such"))
                }
                do {
                    _ = try await client.call("test.account", params: ["account": 1])
                    Issue.record("should fail")
                } catch let error as ControlClientError {
                    #expect(error.code == -32602)
                    #expect(error.kind == "gw.InvalidParams")
                    #expect(error.data["field"] == "account")
                }
            }
        }
    }

    @Test func requestIdsNameTheMethod() async throws {
        var methods = ControlMethods()
        methods.register("whoami", description: "") { context, _ in context.requestID }
        try await withServer(methods: methods) { running in
            let ids = try await ControlClient.withConnection(socketPath: running.socketPath) { client in
                [try await client.call("whoami"), try await client.call("whoami")]
            }
            #expect(ids == ["cli:whoami#1", "cli:whoami#2"])
        }
    }

    @Test func concurrentCallsOnOneClient() async throws {
        let gate = Gate()
        try await withServer(methods: makeTestMethods(gate: gate)) { running in
            try await ControlClient.withConnection(socketPath: running.socketPath) { client in
                async let slow = client.call("test.gate", params: ["tag": "slow"])
                try await eventually("the slow call to start") { gate.waiting == 1 }
                let fast = try await client.call("test.echo", params: ["tag": "fast"])
                #expect(fast == ["tag": "fast"])
                gate.open()
                #expect(try await slow == ["tag": "slow"])
            }
        }
    }

    @Test func aMissingSocketSaysNoGatewayIsListening() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let path = directory + "/nothing.sock"
        do {
            try await ControlClient.withConnection(socketPath: path) { _ in }
            Issue.record("should fail")
        } catch let error as ControlClientError {
            #expect(error.kind == ControlClientError.noGatewayKind)
            #expect(error.message == "no gateway is listening on \(path) (is `wagate start` running? use --socket)")
            #expect(!error.isRemote)
        }
    }

    @Test func aRefusedUidSeesTheConnectionClose() async throws {
        try await withServer(configure: { $0.allowedUIDs = [] }) { running in
            try await ControlClient.withConnection(socketPath: running.socketPath) { client in
                do {
                    _ = try await client.call("rpc.info")
                    Issue.record("should fail")
                } catch let error as ControlClientError {
                    #expect(error.kind == ControlClientError.connectionClosedKind)
                }
            }
        }
    }

    @Test func subscribeStreamsEventsAndUnsubscribeEndsThem() async throws {
        try await withServer { running in
            running.bus.publish(kind: "old", account: "sales")
            try await ControlClient.withConnection(socketPath: running.socketPath) { client in
                let subscription = try await client.subscribe(since: 0, kinds: ["old", "account.*"])
                #expect(subscription.id == "s1")
                #expect(subscription.seq == 1)
                running.bus.publish(kind: "skipped")
                running.bus.publish(kind: "account.state", agent: "bot", account: "sales", data: ["state": "up"])
                var iterator = subscription.events.makeAsyncIterator()
                let first = try #require(try await iterator.next())
                #expect(first.seq == 1)
                #expect(first.kind == "old")
                let second = try #require(try await iterator.next())
                #expect(second.seq == 3)
                #expect(second.agent == "bot")
                #expect(second.account == "sales")
                #expect(second.data == ["state": "up"])
                try await client.unsubscribe(subscription)
                #expect(try await iterator.next() == nil)
            }
        }
    }

    @Test func anExpiredCursorTellsWhereToResume() async throws {
        try await withServer(bus: EventBus(capacity: 4)) { running in
            for _ in 0..<10 { running.bus.publish(kind: "k") }
            try await ControlClient.withConnection(socketPath: running.socketPath) { client in
                do {
                    _ = try await client.subscribe(since: 1)
                    Issue.record("should fail")
                } catch let error as ControlClientError {
                    #expect(error.kind == "gw.CursorExpired")
                    #expect(error.resumeSince == 6)
                }
            }
        }
    }

    @Test func pendingCallsFailWhenTheServerGoesAway() async throws {
        let gate = Gate()
        try await withServer(methods: makeTestMethods(gate: gate), configure: { $0.maxLineBytes = 200 }) { running in
            try await ControlClient.withConnection(socketPath: running.socketPath) { client in
                async let pending = client.call("test.gate")
                try await eventually("the call to start") { gate.waiting == 1 }
                // An oversized request makes the server answer gw.LineTooLong and close.
                do {
                    _ = try await client.call("test.echo", params: ["x": .string(String(repeating: "x", count: 500))])
                    Issue.record("should fail")
                } catch let error as ControlClientError {
                    #expect(error.kind == "gw.LineTooLong")
                }
                do {
                    _ = try await pending
                    Issue.record("the pending call should fail")
                } catch {
                    #expect(error is ControlClientError)
                }
                gate.open()
            }
        }
    }
}
