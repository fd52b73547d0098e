import Glibc
import Logging
import ServiceLifecycle
import Testing
import WAGateCore

@testable import WAGateControl

/// The socket file, its permissions, peer credentials and the server's lifecycle.
@Suite(.timeLimit(.minutes(1)))
struct ControlSocketTests {
    @Test func socketIs0660AndItsDirectory0750() async throws {
        let base = makeTemporaryDirectory()
        defer { removeDirectory(base) }
        // A directory created by the server, and an existing one with a looser mode.
        for directory in [base + "/new/run", base + "/existing"] {
            if directory.hasSuffix("existing") { #expect(mkdir(directory, 0o755) == 0) }
            let path = directory + "/c.sock"
            try await runServer(socketPath: path) { _ in
                #expect(fileMode(path) == 0o660)
                #expect(fileMode(directory) == 0o750)
            }
        }
    }

    @Test func aSecondServerOnALivePathRefusesToStart() async throws {
        try await withServer { running in
            let second = ControlServer(
                configuration: ControlServerConfiguration(socketPath: running.socketPath), eventBus: EventBus(),
                logger: testLogger)
            do {
                try await second.run()
                Issue.record("the second server should not start")
            } catch let error as ControlServerError {
                #expect(error.code == .socketInUse)
                #expect(error.message == "another gateway is running on \(running.socketPath)")
            }
            await #expect(throws: ControlServerError.self) { try await second.waitUntilListening() }
            // The first one still serves.
            try await withRawConnection(running.socketPath) { connection in
                let response = try await connection.call("rpc.info")
                #expect(response["result"] != nil)
            }
        }
    }

    @Test func aStaleSocketFileIsReplaced() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let path = directory + "/c.sock"
        // Bind a socket and close it without unlinking: what a crashed gateway leaves behind.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path.utf8) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(bound == 0)
        close(fd)
        #expect(fileExists(path))

        try await runServer(socketPath: path) { _ in
            try await withRawConnection(path) { connection in
                let response = try await connection.call("rpc.info")
                #expect(response["result"] != nil)
            }
        }
    }

    @Test func aPathThatIsNotASocketIsRefused() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let path = directory + "/c.sock"
        #expect(FileManagerShim.write("precious", to: path))
        let server = ControlServer(
            configuration: ControlServerConfiguration(socketPath: path), eventBus: EventBus(), logger: testLogger)
        await #expect(throws: ControlServerError.self) { try await server.run() }
        #expect(fileExists(path))
    }

    @Test func aPathTooLongForSunPathIsRefused() async throws {
        let path = "/tmp/" + String(repeating: "x", count: 110) + "/c.sock"
        let server = ControlServer(
            configuration: ControlServerConfiguration(socketPath: path), eventBus: EventBus(), logger: testLogger)
        do {
            try await server.run()
            Issue.record("should not start")
        } catch let error as ControlServerError {
            #expect(error.code == .socketPathTooLong)
            #expect(error.message.contains("sun_path"))
        }
    }

    @Test func aPeerWhoseUidIsNotAllowedIsClosedWithoutAReply() async throws {
        let otherUID = geteuid() &+ 4_242
        try await withServer(configure: { $0.allowedUIDs = [otherUID] }) { running in
            try await withRawConnection(running.socketPath) { connection in
                try? await connection.send(#"{"jsonrpc":"2.0","id":1,"method":"rpc.info"}"# + "\n")
                let lines = await connection.readUntilClosed()
                #expect(lines.isEmpty)
            }
            #expect(running.server.statistics().openConnections == 0)
        }
    }

    @Test func connectionsBeyondTheLimitAreRefused() async throws {
        try await withServer(configure: { $0.maxConnections = 1 }) { running in
            try await withRawConnection(running.socketPath) { first in
                #expect(try await first.call("rpc.info")["result"] != nil)
                try await withRawConnection(running.socketPath) { second in
                    let lines = await second.readUntilClosed()
                    #expect(lines.count == 1)
                    expectError(try JSONValue.parse(lines.first ?? "null"), code: -32004, kind: "gw.TooManyConnections")
                }
                #expect(try await first.call("rpc.info", id: 2)["result"] != nil)
            }
        }
    }

    @Test func gracefulShutdownClosesTheListenerAnswersRunningCallsAndRemovesTheSocket() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let path = directory + "/c.sock"
        let gate = Gate()
        let server = ControlServer(
            configuration: ControlServerConfiguration(socketPath: path), methods: makeTestMethods(gate: gate),
            eventBus: EventBus(), logger: testLogger)
        let group = ServiceGroup(services: [server], logger: testLogger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await server.waitUntilListening()
            try await withRawConnection(path) { connection in
                try await connection.send(#"{"jsonrpc":"2.0","id":"running","method":"test.gate"}"# + "\n")
                try await eventually("the call to start") { gate.waiting == 1 }

                await group.triggerGracefulShutdown()
                // The listener goes first: the file disappears while the call is still running.
                try await eventually("the socket file to be removed") { !fileExists(path) }
                gate.open()
                let lines = await connection.readUntilClosed()
                #expect(lines.count == 1)
                #expect(try JSONValue.parse(lines.first ?? "null")["id"] == "running")
            }
            try await tasks.waitForAll()
        }
        #expect(!fileExists(path))
        await #expect(throws: ControlServerError.self) { try await server.waitUntilListening() }
    }

    @Test func cancellingTheServerClosesEverything() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let path = directory + "/c.sock"
        let server = ControlServer(
            configuration: ControlServerConfiguration(socketPath: path), eventBus: EventBus(), logger: testLogger)
        let task = Task { try await server.run() }
        try await server.waitUntilListening()
        try await withRawConnection(path) { connection in
            let response = try await connection.call("rpc.info")
                #expect(response["result"] != nil)
            task.cancel()
            #expect(await connection.readUntilClosed().isEmpty)
        }
        try await task.value
        #expect(!fileExists(path))
    }

    @Test func peerCredentialsReachTheHandler() async throws {
        var methods = ControlMethods()
        methods.register("whoami", description: "The caller.") { context, _ in
            ["uid": .int(Int64(context.peer.uid)), "pid": .int(Int64(context.peer.pid)),
             "connection": .int(Int64(context.connectionID)), "request": context.requestID]
        }
        try await withServer(methods: methods) { running in
            try await withRawConnection(running.socketPath) { connection in
                let result = try #require(try await connection.call("whoami", id: "w#1")["result"])
                #expect(result["uid"]?.intValue == Int64(geteuid()))
                #expect(result["pid"]?.intValue == Int64(getpid()))
                #expect(result["request"] == "w#1")
            }
        }
    }

    /// Runs a server on `socketPath` until `body` returns.
    private func runServer(socketPath: String, _ body: (ControlServer) async throws -> Void) async throws {
        let server = ControlServer(
            configuration: ControlServerConfiguration(socketPath: socketPath), methods: makeTestMethods(),
            eventBus: EventBus(), logger: testLogger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            try await server.waitUntilListening()
            defer { group.cancelAll() }
            try await body(server)
        }
    }
}

/// Writes a small file with Glibc (no Foundation FileManager needed for one line).
enum FileManagerShim {
    static func write(_ text: String, to path: String) -> Bool {
        guard let file = fopen(path, "w") else { return false }
        defer { fclose(file) }
        return fputs(text, file) >= 0
    }
}
