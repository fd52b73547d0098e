import Foundation
import Glibc
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing
import WAGateCore

@testable import WAGateControl

// MARK: - Logging and files

/// Tests log nothing unless WGC_TEST_LOG is set (then everything goes to stderr).
let testLogger: Logger = {
    if ProcessInfo.processInfo.environment["WGC_TEST_LOG"] != nil {
        var logger = Logger(label: "wagate.control.test", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .trace
        return logger
    }
    return Logger(label: "wagate.control.test", factory: { _ in SwiftLogNoOpLogHandler() })
}()

/// A fresh directory `/tmp/wgc-XXXXXX` (short, so socket paths fit `sun_path`).
func makeTemporaryDirectory() -> String {
    var template = Array("/tmp/wgc-XXXXXX".utf8CString)
    guard let result = mkdtemp(&template) else { fatalError("mkdtemp failed: \(errno)") }
    return String(cString: result)
}

func removeDirectory(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

func fileMode(_ path: String) -> mode_t? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return info.st_mode & 0o7777
}

func fileExists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
}

struct TimedOut: Error {}

/// Polls `condition` until it holds; the timeout is only an upper bound so that a failing test ends.
func eventually(
    _ what: String, timeout: Duration = .seconds(20), _ condition: () -> Bool,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now > deadline {
            Issue.record("timed out waiting for \(what)", sourceLocation: sourceLocation)
            throw TimedOut()
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}

// MARK: - A gate that test methods wait on

/// Lets a test hold method calls until it decides to release them, so ordering can be asserted without timing.
final class Gate: Sendable {
    private struct State {
        var isOpen = false
        var waiting = 0
        var maxWaiting = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let proceed = state.withLock { s -> Bool in
                if s.isOpen { return true }
                s.waiting += 1
                s.maxWaiting = max(s.maxWaiting, s.waiting)
                s.waiters.append(continuation)
                return false
            }
            if proceed { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.isOpen = true
            s.waiting = 0
            let waiters = s.waiters
            s.waiters = []
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    var waiting: Int { state.withLock { $0.waiting } }
    var maxWaiting: Int { state.withLock { $0.maxWaiting } }
}

/// Records audit hook calls.
final class AuditRecorder: Sendable {
    struct Entry: Sendable {
        var method: String
        var uid: uid_t
        var params: JSONValue
        var outcome: ControlCallOutcome
    }

    private let entries = Mutex<[Entry]>([])

    var handler: ControlAuditHandler {
        { context, method, params, outcome in
            self.entries.withLock {
                $0.append(Entry(method: method, uid: context.peer.uid, params: params, outcome: outcome))
            }
        }
    }

    var all: [Entry] { entries.withLock { $0 } }
}

struct TestFailure: Error {}

/// Methods used by the tests.
/// A thread-safe counter.
final class Counter: Sendable {
    private let value = Mutex(0)
    func increment() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}

func makeTestMethods(gate: Gate = Gate(), mutations: Counter = Counter()) -> ControlMethods {
    var methods = ControlMethods()
    methods.register("test.echo", description: "Returns its params.") { _, params in params }
    methods.register("test.account", description: "Requires a string account.") { _, params in
        let account = try params.requireString("account")
        let limit = try params.optionalInt("limit")
        return ["account": .string(account), "limit": limit.map { .int($0) } ?? .null]
    }
    methods.register("test.fail", description: "Fails with a domain error.") { _, _ in
        throw ControlError(code: 101, message: "nothing here", kind: "gw.TestNotFound", data: ["thing": "x"])
    }
    methods.register("test.crash", description: "Fails with a plain Swift error.") { _, _ in
        throw TestFailure()
    }
    methods.register("test.gate", description: "Waits for the test's gate.") { _, params in
        await gate.wait()
        return ["tag": params["tag"] ?? .null]
    }
    methods.register("test.mutate", description: "A mutating method.", mutating: true) { context, params in
        mutations.increment()
        if params["fail"]?.boolValue == true {
            throw ControlError(code: 102, message: "refused", kind: "gw.TestRefused")
        }
        return ["uid": .int(Int64(context.peer.uid))]
    }
    return methods
}

// MARK: - Running a server

struct RunningServer: Sendable {
    let server: ControlServer
    let bus: EventBus
    let socketPath: String
    let directory: String
}

/// Runs a server on a fresh temporary socket for the duration of `body`, then cancels it.
func withServer<Result: Sendable>(
    methods: ControlMethods = makeTestMethods(),
    bus: EventBus = EventBus(),
    audit: ControlAuditHandler? = nil,
    configure: (inout ControlServerConfiguration) -> Void = { _ in },
    _ body: (RunningServer) async throws -> Result
) async throws -> Result {
    let directory = makeTemporaryDirectory()
    defer { removeDirectory(directory) }
    var configuration = ControlServerConfiguration(socketPath: directory + "/control.sock")
    configure(&configuration)
    let server = ControlServer(
        configuration: configuration, methods: methods, eventBus: bus, audit: audit, logger: testLogger)
    return try await withThrowingTaskGroup(of: Void.self, returning: Result.self) { group in
        group.addTask { try await server.run() }
        try await server.waitUntilListening()
        defer { group.cancelAll() }
        return try await body(
            RunningServer(server: server, bus: bus, socketPath: configuration.socketPath, directory: directory))
    }
}

// MARK: - A raw connection

/// A client that sends and receives raw bytes, for protocol tests. Lines are split on "\n" here.
struct RawConnection {
    let channel: any Channel
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var pending: [UInt8] = []
    private var ended = false

    init(
        channel: any Channel, iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) {
        self.channel = channel
        self.iterator = iterator
        self.outbound = outbound
    }

    /// Writes `text` as one write.
    func send(_ text: String) async throws {
        try await outbound.write(ByteBuffer(string: text))
    }

    /// Writes `bytes` as one write.
    func send(bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    /// The next line without its "\n", or `nil` once the server closed the connection.
    mutating func readLine() async -> String? {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeFirst(newline + 1)
                return line
            }
            if ended {
                guard !pending.isEmpty else { return nil }
                defer { pending = [] }
                return String(decoding: pending, as: UTF8.self)
            }
            do {
                if let chunk = try await iterator.next() {
                    pending += chunk.readableBytesView
                } else {
                    ended = true
                }
            } catch {
                // A reset after the server closed counts as closed.
                ended = true
            }
        }
    }

    /// The next line parsed as JSON; records an issue when the connection closed instead.
    mutating func readMessage(sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        guard let line = await readLine() else {
            Issue.record("connection closed while a message was expected", sourceLocation: sourceLocation)
            throw TimedOut()
        }
        return try JSONValue.parse(line)
    }

    /// Reads until the server closes the connection; returns the lines received meanwhile.
    mutating func readUntilClosed() async -> [String] {
        var lines: [String] = []
        while let line = await readLine() { lines.append(line) }
        return lines
    }

    /// Sends one request (compact JSON + "\n") and returns the response with the same id, collecting anything
    /// else received before it into `others`.
    mutating func call(
        _ method: String, params: JSONValue? = nil, id: JSONValue = "t1", others: inout [JSONValue]
    ) async throws -> JSONValue {
        var request: [String: JSONValue] = ["jsonrpc": "2.0", "id": id, "method": .string(method)]
        if let params { request["params"] = params }
        try await send(JSONValue.object(request).jsonString() + "\n")
        while true {
            let message = try await readMessage()
            if message["id"] == id { return message }
            others.append(message)
        }
    }

    mutating func call(_ method: String, params: JSONValue? = nil, id: JSONValue = "t1") async throws -> JSONValue {
        var others: [JSONValue] = []
        return try await call(method, params: params, id: id, others: &others)
    }
}

/// Connects a raw client to `path` for the duration of `body`.
func withRawConnection<Result: Sendable>(
    _ path: String, _ body: (inout RawConnection) async throws -> Result
) async throws -> Result {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(unixDomainSocketPath: path) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    return try await channel.executeThenClose { inbound, outbound in
        var connection = RawConnection(
            channel: channel.channel, iterator: inbound.makeAsyncIterator(), outbound: outbound)
        return try await body(&connection)
    }
}

// MARK: - Assertions on messages

/// Checks an error response's code, `data.kind` and id.
func expectError(
    _ message: JSONValue, code: Int, kind: String, id: JSONValue = .null,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(message["jsonrpc"] == "2.0", sourceLocation: sourceLocation)
    #expect(message["id"] == id, "id", sourceLocation: sourceLocation)
    #expect(message["error"]?["code"]?.intValue == Int64(code), "code in \(message.jsonString())", sourceLocation: sourceLocation)
    #expect(
        message["error"]?["data"]?["kind"]?.stringValue == kind, "kind in \(message.jsonString())",
        sourceLocation: sourceLocation)
    #expect(message["result"] == nil, sourceLocation: sourceLocation)
}
