import Foundation
import WAWeb

typealias WebSocketServerConfigurationTLS = WebSocketServerConfiguration.TLS

/// A throwaway self-signed certificate made by the `openssl` CLI, for `wss://` tests on loopback.
struct TestTLSCertificate {
    let certificatePEM: String
    let privateKeyPEM: String

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") }

    /// - Parameter subjectAltName: e.g. `DNS:localhost,IP:127.0.0.1`.
    static func make(subjectAltName: String) throws -> TestTLSCertificate {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wagate-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyPath = directory.appendingPathComponent("key.pem").path
        let certificatePath = directory.appendingPathComponent("cert.pem").path

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", keyPath, "-out", certificatePath, "-days", "2", "-subj", "/CN=wagate test",
            "-addext", "subjectAltName=\(subjectAltName)",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "openssl req failed"])
        }
        return TestTLSCertificate(
            certificatePEM: try String(contentsOfFile: certificatePath, encoding: .utf8),
            privateKeyPEM: try String(contentsOfFile: keyPath, encoding: .utf8)
        )
    }

    var serverTLS: WebSocketServerConfigurationTLS {
        .init(certificateChainPEM: certificatePEM, privateKeyPEM: privateKeyPEM)
    }
}
