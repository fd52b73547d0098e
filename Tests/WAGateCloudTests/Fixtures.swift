import Foundation
import WAGateCore

/// The shared Cloud API fixtures (`../shared/cloudapi-fixtures` next to the package root).
enum Fixtures {
    /// The fixtures folder, found from this file's path: Tests/WAGateCloudTests/Fixtures.swift →
    /// package root → ../shared/cloudapi-fixtures.
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.deletingLastPathComponent().appendingPathComponent("shared/cloudapi-fixtures")
    }()

    /// Every `.json` file under the fixtures folder, as paths relative to it, sorted.
    static func allFiles() -> [String] {
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        let prefix = root.standardizedFileURL.path + "/"
        var files: [String] = []
        for case let url as URL in enumerator where url.pathExtension == "json" {
            let path = url.standardizedFileURL.path
            files.append(path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path)
        }
        return files.sorted()
    }

    /// The bytes of one fixture file.
    static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(relativePath)))
    }

    /// One fixture file as JSON.
    static func json(_ relativePath: String) throws -> JSONValue {
        try JSONValue.parse(Data(try bytes(relativePath)))
    }

    /// The payloads of a file: for a file of cases (`{case: payload}`), each case re-encoded as JSON
    /// text; for a single payload, the file's own bytes under the case name "".
    static func payloads(_ relativePath: String, keyed: Bool) throws -> [(name: String, body: [UInt8])] {
        guard keyed else { return [("", try bytes(relativePath))] }
        guard case .object(let cases) = try json(relativePath) else { return [] }
        return cases.keys.sorted().map { ($0, Array(cases[$0]!.jsonString().utf8)) }
    }
}
