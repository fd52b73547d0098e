import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import WAWeb

/// The client against `WebSocketServer` on 127.0.0.1 with an ephemeral port. Nothing here reaches beyond
/// loopback.
@Suite(.timeLimit(.minutes(1)))
struct WebSocketClientTests {
    /// Echoes every message back.
    static let echo: WebSocketServer.Handler = { connection, _ in
        for try await message in connection.messages {
            try await connection.send(message)
        }
    }

    static func client(port: Int, path: String = "/ws/chat", maximumMessageLength: Int? = nil) throws -> WebSocketClient
    {
        var configuration = WebSocketClientConfiguration(url: "ws://127.0.0.1:\(port)\(path)")
        if let maximumMessageLength { configuration.maximumMessageLength = maximumMessageLength }
        return try WebSocketClient(configuration: configuration)
    }

    @Test func binaryRoundTripOfBoundarySizes() async throws {
        let server = WebSocketServer(configuration: .init())
        try await server.withRunning(handler: Self.echo) { port in
            try await Self.client(port: port).withConnection { connection in
                var messages = connection.messages.makeAsyncIterator()
                // 125/126 and 65535/65536 straddle the 7-bit, 16-bit and 64-bit length encodings.
                for size in [0, 1, 125, 126, 65535, 65536, 1 << 20] {
                    let message = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ size) }
                    try await connection.send(message)
                    let echoed = try await messages.next()
                    #expect(echoed == message, "size \(size)")
                }
            }
        }
    }

    @Test func manyMessagesArriveInOrder() async throws {
        let count = 2000
        let server = WebSocketServer(configuration: .init())
        try await server.withRunning(handler: Self.echo) { port in
            try await Self.client(port: port).withConnection { connection in
                // Send and receive concurrently: back-pressure would stall a sender that never reads.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for index in 0..<count {
                            try await connection.send(withUnsafeBytes(of: UInt32(index).bigEndian, Array.init))
                        }
                    }
                    var expected: UInt32 = 0
                    for try await message in connection.messages {
                        #expect(message.count == 4)
                        let value = message.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                        #expect(value == expected)
                        expected += 1
                        if expected == count { break }
                    }
                    try await group.waitForAll()
                    #expect(expected == count)
                }
            }
        }
    }

    @Test func serverSeesOriginUserAgentAndHost() async throws {
        let server = WebSocketServer(configuration: .init())
        try await server.withRunning(handler: { connection, request in
            let summary = [
                request.path, request.value(forHeader: "origin") ?? "-", request.value(forHeader: "User-Agent") ?? "-",
                request.value(forHeader: "host") ?? "-", request.value(forHeader: "cache-control") ?? "-",
            ].joined(separator: "|")
            try await connection.send(Array(summary.utf8))
        }) { port in
            try await Self.client(port: port).withConnection { connection in
                var messages = connection.messages.makeAsyncIterator()
                let summary = try await messages.next().map { String(decoding: $0, as: UTF8.self) }
                #expect(
                    summary
                        == "/ws/chat|https://web.whatsapp.com|\(WebSocketClientConfiguration.defaultUserAgent)|127.0.0.1:\(port)|no-cache"
                )
            }
        }
    }

    @Test func wrongPathIsAClearUpgradeFailure() async throws {
        let server = WebSocketServer(configuration: .init())
        try await server.withRunning(handler: Self.echo) { port in
            await #expect {
                try await Self.client(port: port, path: "/ws/other").withConnection { _ in }
            } throws: { error in
                guard let error = error as? WebSocketError else { return false }
                return error.code == .upgradeRejected && error.httpStatus == 404 && error.message.contains("404")
            }
        }
    }

    @Test func serverCloseCodeAndReasonReachTheClient() async throws {
        let server = WebSocketServer(configuration: .init())
        try await server.withRunning(handler: { connection, _ in
            try await connection.send([1, 2, 3])
            await connection.close(code: WebSocketCloseCode(4001), reason: "replaced by another session")
        }) { port in
            try await Self.client(port: port).withConnection { connection in
                var received: [[UInt8]] = []
                for try await message in connection.messages { received.append(message) }
                #expect(received == [[1, 2, 3]])
                #expect(
                    connection.peerCloseFrame
                        == WebSocketCloseFrame(code: WebSocketCloseCode(4001), reason: "replaced by another session")
                )
                await #expect(throws: WebSocketError.self) { try await connection.send([9]) }
            }
        }
    }

    @Test func clientCloseReachesTheServer() async throws {
        let seen = Mutex<WebSocketCloseFrame?>(nil)
        let server = WebSocketServer(configuration: .init())
        try await server.withRunning(handler: { connection, _ in
            for try await _ in connection.messages {}
            seen.withLock { $0 = connection.peerCloseFrame }
            try await connection.send([0])  // too late: must throw, not hang
        }) { port in
            try await Self.client(port: port).withConnection { connection in
                await connection.close(code: .goingAway, reason: "bye")
                #expect(connection.peerCloseFrame?.code == .goingAway)  // the server echoed our code
            }
            try await waitUntil { seen.withLock { $0 } != nil }
            #expect(seen.withLock { $0 } == WebSocketCloseFrame(code: .goingAway, reason: "bye"))
        }
    }

    @Test func oversizedMessageFromClientIsRefusedWith1009() async throws {
        let serverError = Mutex<WebSocketError?>(nil)
        let server = WebSocketServer(configuration: .init(maximumMessageLength: 1024))
        try await server.withRunning(handler: { connection, _ in
            do {
                for try await message in connection.messages { try await connection.send(message) }
            } catch let error as WebSocketError {
                serverError.withLock { $0 = error }
            }
        }) { port in
            try await Self.client(port: port).withConnection { connection in
                var messages = connection.messages.makeAsyncIterator()
                try await connection.send([UInt8](repeating: 1, count: 1024))  // exactly the limit: fine
                let echoed = try await messages.next()
                #expect(echoed == [UInt8](repeating: 1, count: 1024))
                try await connection.send([UInt8](repeating: 2, count: 1025))
                let end = try await messages.next()
                #expect(end == nil)
                #expect(connection.peerCloseFrame?.code == .messageTooBig)
            }
            try await waitUntil { serverError.withLock { $0 } != nil }
            #expect(serverError.withLock { $0?.code } == .messageTooLarge)
        }
    }

    @Test func oversizedMessageToClientThrowsAndClosesWith1009() async throws {
        let serverSaw = Mutex<WebSocketCloseFrame?>(nil)
        let server = WebSocketServer(configuration: .init())
        try await server.withRunning(handler: { connection, _ in
            try await connection.send([UInt8](repeating: 7, count: 5000))
            for try await _ in connection.messages {}
            serverSaw.withLock { $0 = connection.peerCloseFrame }
        }) { port in
            try await Self.client(port: port, maximumMessageLength: 4096).withConnection { connection in
                await #expect {
                    for try await _ in connection.messages {}
                } throws: { ($0 as? WebSocketError)?.code == .messageTooLarge }
            }
            try await waitUntil { serverSaw.withLock { $0 } != nil }
            #expect(serverSaw.withLock { $0?.code } == .messageTooBig)
        }
    }

    @Test func fragmentedMessagesAreReassembledWithinTheLimit() async throws {
        let server = WebSocketServer(configuration: .init())
        try await server.withRunning(handler: { connection, _ in
            let message = (0..<100_000).map { UInt8(truncatingIfNeeded: $0) }
            try await connection.send(message, fragmentLength: 1000)
            try await connection.send([], fragmentLength: 1000)
            try await connection.send([42], fragmentLength: 1000)
            // 3 × 40 000 bytes: every fragment is within the limit, the message is not.
            try await connection.send([UInt8](repeating: 1, count: 120_000), fragmentLength: 40_000)
            for try await _ in connection.messages {}
        }) { port in
            try await Self.client(port: port, maximumMessageLength: 100_000).withConnection { connection in
                var messages = connection.messages.makeAsyncIterator()
                let large = try await messages.next()
                #expect(large == (0..<100_000).map { UInt8(truncatingIfNeeded: $0) })
                let empty = try await messages.next()
                #expect(empty == [])
                let single = try await messages.next()
                #expect(single == [42])
                await #expect {
                    _ = try await messages.next()
                } throws: { ($0 as? WebSocketError)?.code == .messageTooLarge }
            }
        }
    }

    @Test func pingIsAnsweredWithPongBothWays() async throws {
        let server = WebSocketServer(configuration: .init())
        try await server.withRunning(handler: { connection, _ in
            try await connection.ping([0xCA, 0xFE])  // answered by the client's handler
            try await connection.send(Array("server got its pong".utf8))
            for try await message in connection.messages { try await connection.send(message) }
        }) { port in
            try await Self.client(port: port).withConnection { connection in
                var messages = connection.messages.makeAsyncIterator()
                #expect(try await messages.next() == Array("server got its pong".utf8))
                try await connection.ping()
                try await connection.ping([])
                // Interleaved with data, a ping still resolves and data still arrives in order.
                try await connection.send([1])
                try await connection.ping([7, 7, 7])
                #expect(try await messages.next() == [1])
            }
        }
    }

    @Test func pingFailsOnceTheConnectionIsClosed() async throws {
        let server = WebSocketServer(configuration: .init())
        try await server.withRunning(handler: Self.echo) { port in
            try await Self.client(port: port).withConnection { connection in
                await connection.close()
                await #expect {
                    try await connection.ping()
                } throws: { ($0 as? WebSocketError)?.code == .connectionClosed }
            }
        }
    }

    @Test func serverShutdownClosesConnectionsWithGoingAway() async throws {
        let server = WebSocketServer(configuration: .init())
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.run(onListening: { portContinuation.yield($0) }, handler: Self.echo)
            }
            var portIterator = ports.makeAsyncIterator()
            let port = try #require(await portIterator.next())
            try await Self.client(port: port).withConnection { connection in
                try await connection.send([5])
                var messages = connection.messages.makeAsyncIterator()
                #expect(try await messages.next() == [5])
                group.cancelAll()  // graceful shutdown of the server
                #expect(try await messages.next() == nil)
                #expect(connection.peerCloseFrame?.code == .goingAway)
            }
            try await group.waitForAll()
        }
    }

    @Test func connectTimeoutCoversAServerThatNeverAnswers() async throws {
        // A listener that accepts and then stays silent: TCP connects, the upgrade never completes.
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { silent.close(promise: nil) }
        let port = try #require(silent.localAddress?.port)
        var configuration = WebSocketClientConfiguration(url: "ws://127.0.0.1:\(port)/ws/chat")
        configuration.connectTimeout = .milliseconds(300)
        let started = ContinuousClock.now
        await #expect {
            try await WebSocketClient(configuration: configuration).withConnection { _ in }
        } throws: { ($0 as? WebSocketError)?.code == .connectTimeout }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func refusedConnectionIsAConnectionFailure() async throws {
        // Bind then close to get a loopback port nobody listens on.
        let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(probe.localAddress?.port)
        try await probe.close()
        await #expect {
            try await Self.client(port: port).withConnection { _ in }
        } throws: { ($0 as? WebSocketError)?.code == .connectionFailed }
    }
}

/// Polls `condition` every 10 ms for up to 5 s; server-side effects land shortly after the client returns.
func waitUntil(_ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(5)
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within 5 s")
            return
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}
