import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A Python helper script from `Tests/WAWebTests/Interop`, run as a child process and spoken to over its
/// stdin/stdout (loopback only, no sockets). The interpreter is `$WAGATE_PYTHON`, the virtualenv that
/// `scripts/python-peers.sh` prepares and `scripts/test.sh` exports.
///
/// Blocking pipe reads and the exit wait run on Dispatch threads, never on the Swift concurrency pool
/// (two threads on this machine), so a slow peer cannot stall unrelated tests. A watchdog kills the peer
/// after `timeout`, which turns a hang into an EOF and a failed test.
final class PythonPeer: @unchecked Sendable {
    // @unchecked Sendable: `stderrData` is guarded by `lock`; everything else is set in init and then only read.

    /// A setup or protocol failure, with the peer's stderr when there is one.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    private let lock = NSLock()
    private var stderrData = Data()
    private let stderrDrained = DispatchSemaphore(value: 0)
    private let readQueue = DispatchQueue(label: "wagate.tests.python-peer.read")

    /// Starts `script` (a path relative to this folder) with `arguments`.
    /// - Throws: `Failure` when `WAGATE_PYTHON` is missing or the process cannot start.
    init(script: String, arguments: [String], timeout: Double = 60) throws {
        let environment = ProcessInfo.processInfo.environment
        guard let python = environment["WAGATE_PYTHON"], !python.isEmpty else {
            throw Failure(
                description: "WAGATE_PYTHON is not set, so the interop peers cannot run: run the tests through scripts/test.sh "
                    + "(or export WAGATE_PYTHON=\"$(scripts/python-peers.sh)\" before swift test)")
        }
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Failure(description: "WAGATE_PYTHON=\(python) is not an executable: run scripts/python-peers.sh (or scripts/test.sh)")
        }
        let scriptPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(script).path
        guard FileManager.default.fileExists(atPath: scriptPath) else { throw Failure(description: "interop script \(scriptPath) is missing") }

        // A write to a peer that already exited must fail with EPIPE, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-u", scriptPath] + arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw Failure(description: "could not start \(python) \(scriptPath): \(error)")
        }

        let errorHandle = errors.fileHandleForReading
        DispatchQueue.global().async { [self] in
            while true {
                let chunk = errorHandle.availableData
                if chunk.isEmpty { break }
                lock.withLock { stderrData.append(chunk) }
            }
            stderrDrained.signal()
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [weak self] in
            guard let self, self.process.isRunning else { return }
            self.lock.withLock { self.stderrData.append(Data("\n[test watchdog: killed after \(timeout) s]\n".utf8)) }
            self.process.terminate()
        }
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// The next bytes the peer wrote, as they arrive; empty at end of stream.
    func read() async -> [UInt8] {
        let handle = output.fileHandleForReading
        return await withCheckedContinuation { continuation in
            readQueue.async { continuation.resume(returning: [UInt8](handle.availableData)) }
        }
    }

    /// Writes to the peer's stdin.
    func write(_ bytes: [UInt8]) throws {
        do {
            try input.fileHandleForWriting.write(contentsOf: Data(bytes))
        } catch {
            throw Failure(description: "writing to the peer failed (\(error)); its stderr:\n\(stderr)")
        }
    }

    /// Closes the peer's stdin (it sees EOF), waits for it to exit and returns its status.
    func finish() async -> Int32 {
        try? input.fileHandleForWriting.close()
        let process = self.process
        let drained = stderrDrained
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                process.waitUntilExit()
                drained.wait()
                drained.signal()  // leave it signalled for a second call
                continuation.resume(returning: process.terminationStatus)
            }
        }
    }

    /// Everything the peer wrote to stderr so far.
    var stderr: String {
        lock.withLock { String(decoding: stderrData, as: UTF8.self) }
    }
}
