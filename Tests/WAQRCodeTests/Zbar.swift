import Foundation
import Testing

/// Runs `zbarimg` (Debian `zbar-tools`) on an image, as an independent QR decoder.
enum Zbar {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Decodes the single QR code in a PNG image.
    /// - Returns: The decoded text, exactly (zbarimg's trailing newline removed).
    /// - Throws: ``Failure`` when zbarimg is missing (naming the package to install) or finds no code.
    static func decode(png: [UInt8]) throws -> String {
        guard let zbarimg = executable() else {
            throw Failure(description: "zbarimg not found in PATH: install it with `apt-get install zbar-tools`")
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("wagate-qr-\(UUID().uuidString).png")
        try Data(png).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let process = Process()
        process.executableURL = zbarimg
        process.arguments = ["--raw", "-q", file.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read before waiting, so a full pipe cannot block zbarimg.
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "zbarimg exited with \(process.terminationStatus) (4 = no code found): "
                    + String(decoding: stderr, as: UTF8.self))
        }
        var text = String(decoding: stdout, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    private static func executable() -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
        return directories.lazy
            .map { URL(fileURLWithPath: $0).appendingPathComponent("zbarimg") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}
