import Glibc
import NIOCore
import Testing
import WAGateCore

@testable import WAGateControl

/// The wire protocol, spoken with raw bytes against a real server on a temporary socket.
@Suite(.timeLimit(.minutes(1)))
struct ControlProtocolTests {
    @Test func rpcInfoListsProtocolVersionAndMethods() async throws {
        try await withServer(configure: { $0.serverVersion = "1.2.3" }) { running in
            try await withRawConnection(running.socketPath) { connection in
                let response = try await connection.call("rpc.info", id: 1)
                #expect(response["id"] == 1)
                let result = try #require(response["result"])
                #expect(result["protocol"] == "wagate-control/1")
                #expect(result["server_version"] == "1.2.3")
                let names = result["methods"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
                #expect(names.contains("rpc.info"))
                #expect(names.contains("events.subscribe"))
                #expect(names.contains("events.unsubscribe"))
                #expect(names.contains("test.echo"))
                #expect(names == names.sorted())
                let mutate = result["methods"]?.arrayValue?.first { $0["name"] == "test.mutate" }
                #expect(mutate?["mutating"] == true)
                #expect(mutate?["description"] == "A mutating method.")
            }
        }
    }

    @Test func malformedLinesGetTheRightErrorAndTheConnectionStaysUsable() async throws {
        let cases: [(line: [UInt8], code: Int, kind: String, id: JSONValue)] = [
            (Array("{not json".utf8), -32700, "gw.ParseError", .null),
            ([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D], -32700, "gw.ParseError", .null),  // invalid UTF-8
            (Array(#"[{"jsonrpc":"2.0","id":1,"method":"rpc.info"}]"#.utf8), -32600, "gw.BatchNotSupported", .null),
            (Array(#""just a string""#.utf8), -32600, "gw.InvalidRequest", .null),
            (Array(#"{"jsonrpc":"2.0","id":2}"#.utf8), -32600, "gw.InvalidRequest", 2),  // missing method
            (Array(#"{"jsonrpc":"2.0","id":3,"method":42}"#.utf8), -32600, "gw.InvalidRequest", 3),
            (Array(#"{"jsonrpc":"2.0","id":"m","method":""}"#.utf8), -32600, "gw.InvalidRequest", "m"),
            (Array(#"{"jsonrpc":"2.0","id":{"a":1},"method":"rpc.info"}"#.utf8), -32600, "gw.InvalidRequest", .null),
            (Array(#"{"jsonrpc":"2.0","id":1.5,"method":"rpc.info"}"#.utf8), -32600, "gw.InvalidRequest", .null),
            (Array(#"{"jsonrpc":"2.0","id":null,"method":"rpc.info"}"#.utf8), -32600, "gw.InvalidRequest", .null),
            (Array(#"{"id":4,"method":"rpc.info"}"#.utf8), -32600, "gw.InvalidRequest", 4),  // missing jsonrpc
            (Array(#"{"jsonrpc":"1.0","id":5,"method":"rpc.info"}"#.utf8), -32600, "gw.InvalidRequest", 5),
            (Array(#"{"jsonrpc":"2.0","id":6,"method":"test.echo","params":[1,2]}"#.utf8), -32602, "gw.InvalidParams", 6),
            (Array(#"{"jsonrpc":"2.0","id":7,"method":"test.echo","params":"x"}"#.utf8), -32602, "gw.InvalidParams", 7),
            (Array(#"{"jsonrpc":"2.0","id":8,"method":"no.such"}"#.utf8), -32601, "gw.MethodNotFound", 8),
            (Array(String(repeating: "[", count: 100_000).utf8), -32700, "gw.ParseError", .null),  // deep nesting
        ]
        try await withServer { running in
            try await withRawConnection(running.socketPath) { connection in
                for (index, testCase) in cases.enumerated() {
                    try await connection.send(bytes: testCase.line + [UInt8(ascii: "\n")])
                    let response = try await connection.readMessage()
                    expectError(response, code: testCase.code, kind: testCase.kind, id: testCase.id)
                    // Still usable after each bad line.
                    let ok = try await connection.call("test.echo", params: ["n": .int(Int64(index))], id: "ok")
                    #expect(ok["result"] == ["n": .int(Int64(index))])
                }
            }
        }
    }

    @Test func methodNotFoundNamesTheMethod() async throws {
        try await withServer { running in
            try await withRawConnection(running.socketPath) { connection in
                let response = try await connection.call("accounts.frobnicate", id: "x1")
                expectError(response, code: -32601, kind: "gw.MethodNotFound", id: "x1")
                #expect(response["error"]?["data"]?["method"] == "accounts.frobnicate")
            }
        }
    }

    @Test func invalidParamsNameTheField() async throws {
        try await withServer { running in
            try await withRawConnection(running.socketPath) { connection in
                let missing = try await connection.call("test.account", params: [:], id: 1)
                expectError(missing, code: -32602, kind: "gw.InvalidParams", id: 1)
                #expect(missing["error"]?["data"]?["field"] == "account")

                let wrongType = try await connection.call("test.account", params: ["account": 5], id: 2)
                expectError(wrongType, code: -32602, kind: "gw.InvalidParams", id: 2)
                #expect(wrongType["error"]?["data"]?["got"] == "integer")
                #expect(wrongType["error"]?["message"]?.stringValue?.contains("\"account\"") == true)

                let badLimit = try await connection.call("test.account", params: ["account": "a", "limit": "x"], id: 3)
                expectError(badLimit, code: -32602, kind: "gw.InvalidParams", id: 3)
                #expect(badLimit["error"]?["data"]?["field"] == "limit")

                let ok = try await connection.call("test.account", params: ["account": "sales", "limit": 5], id: 4)
                #expect(ok["result"] == ["account": "sales", "limit": 5])
                // Absent params count as {}.
                let absent = try await connection.call("test.echo", id: 5)
                #expect(absent["result"] == [:])
            }
        }
    }

    @Test func handlerErrorsKeepTheirKindAndOtherErrorsBecomeInternal() async throws {
        try await withServer { running in
            try await withRawConnection(running.socketPath) { connection in
                let domain = try await connection.call("test.fail", id: 1)
                expectError(domain, code: 101, kind: "gw.TestNotFound", id: 1)
                #expect(domain["error"]?["message"] == "nothing here")
                #expect(domain["error"]?["data"]?["thing"] == "x")

                let crash = try await connection.call("test.crash", id: 2)
                expectError(crash, code: -32603, kind: "gw.Internal", id: 2)
                let message = crash["error"]?["message"]?.stringValue ?? ""
                #expect(message.count < 100)
                #expect(!message.contains("\n"))
            }
        }
    }

    @Test func aLineSplitAcrossManyWritesAndSeveralRequestsInOneWrite() async throws {
        try await withServer { running in
            try await withRawConnection(running.socketPath) { connection in
                // Byte by byte, one write each.
                let request = #"{"jsonrpc":"2.0","id":"split","method":"test.echo","params":{"s":"héllo ✓ 😀"}}"# + "\n"
                for byte in Array(request.utf8) { try await connection.send(bytes: [byte]) }
                let split = try await connection.readMessage()
                #expect(split["id"] == "split")
                #expect(split["result"] == ["s": "héllo ✓ 😀"])

                // Three requests, "\r\n" endings and blank lines, in one write.
                let batch =
                    #"{"jsonrpc":"2.0","id":1,"method":"test.echo","params":{"n":1}}"# + "\r\n" + "\n  \r\n"
                    + #"{"jsonrpc":"2.0","id":2,"method":"test.echo","params":{"n":2}}"# + "\n"
                    + #"{"jsonrpc":"2.0","id":3,"method":"test.echo","params":{"n":3}}"# + "\r\n"
                try await connection.send(batch)
                var results: [JSONValue: JSONValue] = [:]
                for _ in 0..<3 {
                    let message = try await connection.readMessage()
                    results[message["id"] ?? .null] = message["result"]
                }
                #expect(results == [1: ["n": 1], 2: ["n": 2], 3: ["n": 3]])
            }
        }
    }

    @Test func responsesAreCompactSingleLines() async throws {
        try await withServer { running in
            try await withRawConnection(running.socketPath) { connection in
                try await connection.send(
                    #"{"jsonrpc":"2.0","id":1,"method":"test.echo","params":{"text":"a\nb\"c\\d\u0001","n":[1,2.5,true,null]}}"#
                        + "\n")
                let line = try #require(await connection.readLine())
                #expect(!line.contains(" "))
                #expect(!line.contains("\r"))
                let message = try JSONValue.parse(line)
                #expect(message["result"] == ["text": "a\nb\"c\\d\u{1}", "n": [1, 2.5, true, nil]])
            }
        }
    }

    @Test(arguments: [false, true])
    func anOversizedLineGetsLineTooLongAndTheConnectionCloses(complete: Bool) async throws {
        try await withServer(configure: { $0.maxLineBytes = 1_024 }) { running in
            try await withRawConnection(running.socketPath) { connection in
                let ok = try await connection.call("test.echo", params: ["x": .string(String(repeating: "a", count: 900))])
                #expect(ok["result"] != nil)
                var payload = #"{"jsonrpc":"2.0","id":1,"method":"test.echo","params":{"x":""#
                payload += String(repeating: "b", count: 2_000)
                if complete { payload += "\"}}\n" }
                try await connection.send(payload)
                let lines = await connection.readUntilClosed()
                #expect(lines.count == 1)
                let message = try JSONValue.parse(lines.first ?? "null")
                expectError(message, code: -32600, kind: "gw.LineTooLong")
            }
        }
    }

    @Test func pipelinedRequestsAreAnsweredOutOfOrderAndMatchedById() async throws {
        let gate = Gate()
        try await withServer(methods: makeTestMethods(gate: gate)) { running in
            try await withRawConnection(running.socketPath) { connection in
                try await connection.send(
                    #"{"jsonrpc":"2.0","id":"slow","method":"test.gate","params":{"tag":"s"}}"# + "\n"
                        + #"{"jsonrpc":"2.0","id":"fast","method":"test.echo","params":{"tag":"f"}}"# + "\n")
                // "slow" cannot finish before the gate opens, so "fast" must come first.
                let first = try await connection.readMessage()
                #expect(first["id"] == "fast")
                #expect(first["result"] == ["tag": "f"])
                try await eventually("the slow call to wait at the gate") { gate.waiting == 1 }
                gate.open()
                let second = try await connection.readMessage()
                #expect(second["id"] == "slow")
                #expect(second["result"] == ["tag": "s"])
            }
        }
    }

    @Test func theServerStopsReadingAtTheInFlightLimit() async throws {
        let gate = Gate()
        try await withServer(methods: makeTestMethods(gate: gate), configure: { $0.maxInFlightPerConnection = 2 }) {
            running in
            try await withRawConnection(running.socketPath) { connection in
                try await connection.send(
                    #"{"jsonrpc":"2.0","id":1,"method":"test.gate"}"# + "\n"
                        + #"{"jsonrpc":"2.0","id":2,"method":"test.gate"}"# + "\n"
                        + #"{"jsonrpc":"2.0","id":3,"method":"test.echo"}"# + "\n")
                try await eventually("two calls at the gate") { gate.waiting == 2 }
                #expect(running.server.statistics().callsInFlight == 2)
                gate.open()
                // With the limit, the echo could only start after a gated call finished.
                var order: [JSONValue] = []
                for _ in 0..<3 { order.append(try await connection.readMessage()["id"] ?? .null) }
                #expect(order.first != 3)
                #expect(Set(order) == [1, 2, 3])
                #expect(gate.maxWaiting == 2)
            }
        }
    }

    @Test func unreadAnswersAreBoundedAndAStalledConnectionIsClosed() async throws {
        let limit = 8
        try await withServer(configure: {
            $0.maxInFlightPerConnection = limit
            $0.writeStallTimeout = .milliseconds(300)
        }) { running in
            try await withRawConnection(running.socketPath) { connection in
                // Twelve 500 KB answers: far more than the socket buffers hold. The client never reads.
                let big = String(repeating: "z", count: 500_000)
                for i in 0..<12 {
                    try? await connection.send(
                        #"{"jsonrpc":"2.0","id":\#(i),"method":"test.echo","params":{"x":"\#(big)"}}"# + "\n")
                }
                try await eventually("the stalled connection to be closed") {
                    let statistics = running.server.statistics()
                    #expect(statistics.callsInFlight <= limit)
                    return statistics.openConnections == 0
                }
                let lines = await connection.readUntilClosed()
                #expect(lines.count < 12)
            }
        }
    }

    @Test func requestsWithoutIdAreNotExecutedNorAnswered() async throws {
        let mutations = Counter()
        let audit = AuditRecorder()
        try await withServer(methods: makeTestMethods(mutations: mutations), audit: audit.handler) { running in
            try await withRawConnection(running.socketPath) { connection in
                try await connection.send(#"{"jsonrpc":"2.0","method":"test.mutate","params":{}}"# + "\n")
                let response = try await connection.call("rpc.info", id: 1)
                #expect(response["result"] != nil)
                #expect(mutations.count == 0)
                #expect(audit.all.isEmpty)
            }
        }
    }

    @Test func mutatingCallsReachTheAuditHook() async throws {
        let mutations = Counter()
        let audit = AuditRecorder()
        try await withServer(methods: makeTestMethods(mutations: mutations), audit: audit.handler) { running in
            try await withRawConnection(running.socketPath) { connection in
                let ok = try await connection.call("test.mutate", params: ["k": "v"], id: 1)
                #expect(ok["result"]?["uid"]?.intValue == Int64(geteuid()))
                let refused = try await connection.call("test.mutate", params: ["fail": true], id: 2)
                expectError(refused, code: 102, kind: "gw.TestRefused", id: 2)
                _ = try await connection.call("test.echo", id: 3)
            }
        }
        let entries = audit.all
        #expect(entries.count == 2)
        #expect(entries.first?.method == "test.mutate")
        #expect(entries.first?.uid == geteuid())
        #expect(entries.first?.params == ["k": "v"])
        #expect(entries.first?.outcome == .success)
        if case .failure(let error)? = entries.last?.outcome {
            #expect(error.kind == "gw.TestRefused")
        } else {
            Issue.record("the second call should be audited as a failure")
        }
        #expect(mutations.count == 2)
    }

    @Test func aHalfClosedConnectionStillGetsItsAnswers() async throws {
        let gate = Gate()
        try await withServer(methods: makeTestMethods(gate: gate)) { running in
            try await withRawConnection(running.socketPath) { connection in
                // Like `printf req | socat - UNIX-CONNECT:...`: the last line has no newline, then EOF.
                try await connection.send(
                    #"{"jsonrpc":"2.0","id":1,"method":"test.gate"}"# + "\n"
                        + #"{"jsonrpc":"2.0","id":2,"method":"test.echo","params":{"a":1}}"#)
                try await connection.channel.close(mode: .output)
                try await eventually("the gated call to start") { gate.waiting == 1 }
                gate.open()
                let lines = await connection.readUntilClosed()
                let ids = Set(try lines.map { try JSONValue.parse($0)["id"] ?? .null })
                #expect(ids == [1, 2])
            }
        }
    }

    @Test func anIncompleteLineIsClosedAfterThePartialLineTimeout() async throws {
        try await withServer(configure: { $0.partialLineTimeout = .milliseconds(200) }) { running in
            try await withRawConnection(running.socketPath) { connection in
                try await connection.send(#"{"jsonrpc":"2.0","id":1,"#)
                let lines = await connection.readUntilClosed()
                #expect(lines.count == 1)
                expectError(try JSONValue.parse(lines.first ?? "null"), code: -32600, kind: "gw.PartialLineTimeout")
            }
        }
    }

    @Test func anIdleConnectionIsClosed() async throws {
        // No request is sent: with a short idle timeout, a call made first could lose the race against
        // the timer on a loaded machine and make the test flaky.
        try await withServer(configure: { $0.idleTimeout = .milliseconds(200) }) { running in
            try await withRawConnection(running.socketPath) { connection in
                let lines = await connection.readUntilClosed()
                #expect(lines.isEmpty)
            }
            try await eventually("the connection to be forgotten") {
                running.server.statistics().openConnections == 0
            }
        }
    }
}
