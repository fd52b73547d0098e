import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The independent party: `Interop/axolotl_peer.py`, python-axolotl (a Python port of libsignal) with
/// in-memory stores, run as a child process and spoken to in JSON lines over its stdin/stdout.
///
/// The interpreter is `$WAGATE_PYTHON`, the virtualenv `scripts/python-peers.sh` prepares and
/// `scripts/test.sh` exports; when the variable is unset, the checkout's own `.venv` (where
/// `scripts/python-peers.sh` puts it) is used if present. Anything missing is a failure with a message
/// that says what to run, never a skip.
///
/// Blocking pipe reads run on a Dispatch queue, never on the Swift concurrency pool (two threads on this
/// machine); a watchdog kills the peer after `timeout`, which turns a hang into EOF and a failed test.
final class AxolotlPeer: @unchecked Sendable {
    // @unchecked Sendable: `pending` is only touched on `readQueue`, `stderrData` only under `lock`;
    // everything else is set in init and then only read.

    /// A setup or protocol failure, with the peer's stderr when there is one.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// One answer: the JSON object under "ok".
    struct Reply: @unchecked Sendable {
        // @unchecked Sendable: immutable JSONSerialization values (strings, numbers, booleans).
        let fields: [String: Any]

        func bytes(_ key: String) throws -> [UInt8] {
            guard let text = fields[key] as? String, let bytes = Self.unhex(text) else {
                throw Failure(description: "reply has no hex field \(key): \(fields)")
            }
            return bytes
        }

        func int(_ key: String) throws -> Int {
            guard let value = fields[key] as? Int else { throw Failure(description: "reply has no integer field \(key): \(fields)") }
            return value
        }

        func bool(_ key: String) throws -> Bool {
            guard let value = fields[key] as? Bool else { throw Failure(description: "reply has no boolean field \(key): \(fields)") }
            return value
        }

        func string(_ key: String) throws -> String {
            guard let value = fields[key] as? String else { throw Failure(description: "reply has no string field \(key): \(fields)") }
            return value
        }

        static func unhex(_ text: String) -> [UInt8]? {
            let digits = Array(text.utf8)
            guard digits.count % 2 == 0 else { return nil }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(digits.count / 2)
            var index = 0
            while index < digits.count {
                guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
                bytes.append(high << 4 | low)
                index += 2
            }
            return bytes
        }

        private static func nibble(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
            default: return nil
            }
        }
    }

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    private let lock = NSLock()
    private var stderrData = Data()
    private let stderrDrained = DispatchSemaphore(value: 0)
    private let readQueue = DispatchQueue(label: "wagate.tests.axolotl-peer.read")
    private var pending = Data()

    /// Starts the peer.
    /// - Throws: `Failure` when no interpreter is configured or the process cannot start.
    init(timeout: Double = 120) throws {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let script = here.appendingPathComponent("axolotl_peer.py").path
        // Not standardizedFileURL: it resolves the venv's python symlink, and a venv's interpreter
        // started under its real path does not see the venv's packages.
        let checkout = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let checkoutVenv = checkout.appendingPathComponent(".venv/bin/python").path
        let environment = ProcessInfo.processInfo.environment
        let python: String
        if let configured = environment["WAGATE_PYTHON"], !configured.isEmpty {
            python = configured
        } else if FileManager.default.isExecutableFile(atPath: checkoutVenv) {
            python = checkoutVenv
        } else {
            throw Failure(
                description: "WAGATE_PYTHON is not set and \(checkoutVenv) does not exist, so the python-axolotl interop peer "
                    + "cannot run: run the tests through scripts/test.sh, or run scripts/python-peers.sh (and export "
                    + "WAGATE_PYTHON=\"$(scripts/python-peers.sh)\") before swift test")
        }
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Failure(description: "\(python) is not an executable: run scripts/python-peers.sh (or scripts/test.sh)")
        }

        // A write to a peer that already exited must fail with EPIPE, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-u", script]
        var childEnvironment = environment
        childEnvironment["PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION"] = "python"
        process.environment = childEnvironment
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw Failure(description: "could not start \(python) \(script): \(error)")
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
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
    }

    /// Everything the peer wrote to stderr so far.
    var stderr: String {
        lock.withLock { String(decoding: stderrData, as: UTF8.self) }
    }

    /// Its stderr once it has closed it (it exited), or after a few seconds: for failure messages.
    private func finalStderr() async -> String {
        let drained = stderrDrained
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                if drained.wait(timeout: .now() + 5) == .success { drained.signal() }  // leave it signalled
                continuation.resume()
            }
        }
        return stderr
    }

    /// Sends one request and returns its answer.
    /// - Parameters:
    ///   - op: the operation (see axolotl_peer.py).
    ///   - fields: its arguments; `[UInt8]` values are sent as hex.
    /// - Throws: `Failure` when the peer reports an error, dies or answers garbage.
    func call(_ op: String, _ fields: [String: Any] = [:]) async throws -> Reply {
        var request = fields.mapValues { value -> Any in
            if let bytes = value as? [UInt8] { return bytes.map { String(format: "%02x", $0) }.joined() }
            return value
        }
        request["op"] = op
        var line = try JSONSerialization.data(withJSONObject: request)
        line.append(0x0A)
        do {
            try input.fileHandleForWriting.write(contentsOf: line)
        } catch {
            throw Failure(description: "writing to axolotl_peer.py failed (\(error)); its stderr:\n\(await finalStderr())")
        }
        guard let answerLine = await readLine() else {
            throw Failure(description: "axolotl_peer.py ended without answering \(op); its stderr:\n\(await finalStderr())")
        }
        guard let answer = try? JSONSerialization.jsonObject(with: answerLine) as? [String: Any] else {
            throw Failure(description: "axolotl_peer.py answered \(op) with \(String(decoding: answerLine, as: UTF8.self))")
        }
        if let error = answer["error"] as? String { throw Failure(description: "python-axolotl \(op): \(error)") }
        guard let ok = answer["ok"] as? [String: Any] else { throw Failure(description: "axolotl_peer.py answered \(op) with \(answer)") }
        return Reply(fields: ok)
    }

    /// The next line of the peer's stdout (without the newline), or nil at end of stream.
    private func readLine() async -> Data? {
        let handle = output.fileHandleForReading
        return await withCheckedContinuation { continuation in
            readQueue.async { [self] in
                while true {
                    if let newline = pending.firstIndex(of: 0x0A) {
                        let line = pending[pending.startIndex..<newline]
                        pending = Data(pending[(newline + 1)...])
                        continuation.resume(returning: Data(line))
                        return
                    }
                    let chunk = handle.availableData
                    if chunk.isEmpty {
                        continuation.resume(returning: nil)
                        return
                    }
                    pending.append(chunk)
                }
            }
        }
    }
}
