import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `wagate` binary run as a real process, as an operator would run it.
final class WagateProcess: @unchecked Sendable {
    // @unchecked Sendable: `process` is only touched through Foundation's thread-safe Process API, and
    // the output files are read, never shared mutably.
    let process = Process()
    let outputPath: String
    let arguments: [String]

    /// Path of the binary under test: `WAGATE_BIN` (set by scripts/test.sh), else the debug build.
    static var binary: String {
        if let b = ProcessInfo.processInfo.environment["WAGATE_BIN"], !b.isEmpty { return b }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/wagate").path
    }

    init(_ arguments: [String], environment: [String: String] = [:], directory: String, executable: String? = nil) throws {
        self.arguments = arguments
        outputPath = (directory as NSString).appendingPathComponent("wagate-\(UUID().uuidString.prefix(8)).log")
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.executableURL = URL(fileURLWithPath: executable ?? Self.binary)
        process.arguments = executable == nil ? arguments : Array(arguments.dropFirst())
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["WAGATE_MASTER_KEY"] = nil
        env["DATABASE_URL"] = nil
        // Tests never reach WhatsApp: a gateway not pointed at a sandbox gets a closed loopback port
        // (its accounts back off), whatever the machine's environment says.
        env["WAGATE_WA_URL"] = "ws://127.0.0.1:9/ws/chat"
        env["WAGATE_WA_ROOT_KEY"] = nil
        // Gateways of parallel tests must not fight over one HTTP port: each takes a free one.
        env["WAGATE_HTTP_LISTEN"] = "127.0.0.1:0"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Everything the process printed so far.
    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// Waits until the output contains `text` (or the process exits, or the deadline passes).
    func waitForOutput(_ text: String, timeout: Duration = .seconds(120)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if output.contains(text) { return true }
            if !process.isRunning { return output.contains(text) }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Sends a signal.
    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Waits for the process to exit and returns its status, or `nil` past the deadline.
    func waitForExit(timeout: Duration = .seconds(60)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    /// Kills the process if it still runs (test clean-up).
    func kill9() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    /// Runs a short-lived command (client commands, check, migrate) to completion.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], directory: String, executable: String? = nil,
        timeout: Duration = .seconds(120)
    ) async throws -> (status: Int32, output: String) {
        let p = try WagateProcess(arguments, environment: environment, directory: directory, executable: executable)
        guard let status = await p.waitForExit(timeout: timeout) else {
            p.kill9()
            Issue.record("wagate \(arguments.joined(separator: " ")) did not finish in time; output:\n\(p.output)")
            return (-1, p.output)
        }
        return (status, p.output)
    }
}

/// A scratch directory for one test, removed afterwards. Short, under /tmp, so that socket paths fit
/// `sun_path`.
struct Scratch {
    let path: String

    init() throws {
        var template = Array("/tmp/wge2e-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw POSIXError(.EIO) }
        path = String(cString: p)
        chmod(path, 0o755)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: file(name), atomically: true, encoding: .utf8)
    }

    /// Removes the directory, and an embedded cluster the gateway left in it: its server is shut down
    /// (SIGQUIT, PostgreSQL's immediate shutdown) and a cluster relocated under /var/lib/wagate (as root)
    /// is deleted too, so test runs leave nothing behind.
    func remove() {
        let link = file(".wagate/postgres")
        var cluster = link
        if let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: link) {
            cluster = URL(fileURLWithPath: destination, relativeTo: URL(fileURLWithPath: file(".wagate"))).standardizedFileURL.path
        }
        if let pidText = try? String(contentsOfFile: cluster + "/data/postmaster.pid", encoding: .utf8),
            let pid = pidText.split(separator: "\n").first.flatMap({ Int32($0) })
        {
            kill(pid, SIGQUIT)
            for _ in 0..<100 where kill(pid, 0) == 0 { usleep(50_000) }
        }
        if cluster != link { try? FileManager.default.removeItem(atPath: cluster) }
        try? FileManager.default.removeItem(atPath: path)
    }
}
