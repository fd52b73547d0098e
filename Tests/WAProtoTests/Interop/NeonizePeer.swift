import Foundation
import SwiftProtobuf

/// The independent party: `Interop/neonize_peer.py`, WhatsApp's own protobuf definitions (whatsmeow's,
/// compiled for Python and shipped in neonize) on Google's protobuf runtime, run by `$WAGATE_PYTHON`
/// (the virtualenv `scripts/python-peers.sh` prepares and `scripts/test.sh` exports).
///
/// The whole suite shares ONE Python run: it parses every message our Swift code built
/// (`SwiftBuilt.cases`) and builds every message the tests parse, in one batch.
enum Neonize {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A message our code built, for neonize to parse as `type` (a key of neonize_peer.py's TYPES).
    struct Case: Sendable {
        let name: String
        let type: String
        let bytes: [UInt8]
    }

    /// neonize's reading of one of our messages.
    struct Parsed: Decodable, Sendable {
        let canon: Canon
        /// `json_format.MessageToDict` with neonize's field names (bytes in base64, 64-bit integers as strings).
        let named: JSON
        /// neonize's own serialisation of what it parsed.
        let reserialized: String
    }

    /// A message neonize built.
    struct Built: Decodable, Sendable {
        let type: String
        let hex: String
        let canon: Canon

        var bytes: [UInt8] { Hex.decode(hex) }
    }

    struct Response: Decodable, Sendable {
        let parsed: [String: Parsed]
        let built: [String: Built]
        /// Values computed on the Python side (an MD5, an enum number of neonize's).
        let facts: [String: String]

        func parsed(_ name: String) throws -> Parsed {
            guard let value = parsed[name] else { throw Failure(description: "neonize returned no parse of \(name)") }
            return value
        }

        func built(_ name: String) throws -> Built {
            guard let value = built[name] else { throw Failure(description: "neonize built no message \(name)") }
            return value
        }
    }

    /// The one run, started by the first test that needs it.
    static let response: Task<Response, any Error> = Task { try await run(try SwiftBuilt.cases()) }

    static func run(_ cases: [Case], timeout: Double = 120) async throws -> Response {
        let environment = ProcessInfo.processInfo.environment
        guard let python = environment["WAGATE_PYTHON"], !python.isEmpty else {
            throw Failure(
                description: "WAGATE_PYTHON is not set, so the neonize interop peer cannot run: run the tests through "
                    + "scripts/test.sh (or export WAGATE_PYTHON=\"$(scripts/python-peers.sh)\" before swift test)")
        }
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Failure(description: "WAGATE_PYTHON=\(python) is not an executable: run scripts/python-peers.sh (or scripts/test.sh)")
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("neonize_peer.py").path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wagate-waproto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let requestURL = directory.appendingPathComponent("request.json")
        let responseURL = directory.appendingPathComponent("response.json")
        let stderrURL = directory.appendingPathComponent("stderr.txt")

        let request = ["parse": cases.map { ["name": $0.name, "type": $0.type, "hex": Hex.encode($0.bytes)] }]
        try JSONSerialization.data(withJSONObject: request).write(to: requestURL)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, requestURL.path, responseURL.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: Failure(description: "could not start \(python) \(script): \(error)"))
                return
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                if process.isRunning { process.terminate() }
            }
        }
        let stderr = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw Failure(description: "neonize_peer.py exited with status \(status); its stderr:\n\(stderr)")
        }
        do {
            return try JSONDecoder().decode(Response.self, from: Data(contentsOf: responseURL))
        } catch {
            throw Failure(description: "neonize_peer.py wrote no readable response (\(error)); its stderr:\n\(stderr)")
        }
    }
}

/// A JSON value, for neonize's by-name dumps.
indirect enum JSON: Decodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    init(from decoder: any Swift.Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSON].self))
        }
    }

    subscript(key: String) -> JSON? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    /// `.string` of the base64 text MessageToDict writes for a bytes field.
    static func bytes(_ value: some Sequence<UInt8>) -> JSON { .string(Data(value).base64EncodedString()) }
}

enum Hex {
    static func encode(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func decode(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }
}
