import Foundation
import Testing
import WAGateCore
import WAGateTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Issue 3 as a new user lives it, with the real binaries: the sandbox server, the gateway pointed at
/// it, the printed QR code scanned by a simulated phone, restarts, revocation, replacement, backoff.
@Suite(.serialized) struct WebLinkEndToEndTests {
    static let phone = "+15550001111"
    static let account = "milady-whatsapp-test/default"

    /// Starts `wagate sandbox` and reads the URL and root key it prints.
    func startSandbox(_ scratch: Scratch) async throws -> (WagateProcess, url: String, rootKey: String) {
        let sandbox = try WagateProcess(["sandbox", "--listen", "127.0.0.1:0", "--state", "sandbox"], directory: scratch.path)
        guard await sandbox.waitForOutput("sandbox root key: ", timeout: .seconds(60)) else {
            sandbox.kill9()
            Issue.record("the sandbox did not start:\n\(sandbox.output)")
            throw GatewayDidNotStart()
        }
        let lines = sandbox.output.split(separator: "\n")
        let url = try #require(lines.first { $0.hasPrefix("sandbox url: ") }).dropFirst("sandbox url: ".count)
        let key = try #require(lines.first { $0.hasPrefix("sandbox root key: ") }).dropFirst("sandbox root key: ".count)
        #expect(url.hasPrefix("ws://127.0.0.1:") && url.hasSuffix("/ws/chat"))
        #expect(key.count == 64 && key.allSatisfy(\.isHexDigit))
        return (sandbox, String(url), String(key))
    }

    func cli(_ scratch: Scratch, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await WagateProcess.run(arguments, directory: scratch.path, timeout: .seconds(60))
    }

    /// Polls `wagate qr` until the account offers a QR code; returns its text.
    func waitForQR(_ scratch: Scratch, different from: String? = nil) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(60)
        var last = ""
        while ContinuousClock.now < deadline {
            let (code, output) = try await cli(scratch, ["qr", Self.account, "--socket", ".wagate/control.sock"])
            last = output
            let text = output.trimmingCharacters(in: .whitespacesAndNewlines)
            if code == 0, text.hasPrefix("https://wa.me/settings/linked_devices#"), text != from { return text }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("no QR code offered; last `wagate qr`: \(last)")
        throw GatewayDidNotStart()
    }

    func accountState(_ scratch: Scratch) async throws -> (state: String, reason: String) {
        let (code, output) = try await cli(scratch, ["ctl", "accounts.get", "{\"account\":\"\(Self.account)\"}", "--socket", ".wagate/control.sock"])
        #expect(code == 0, "\(output)")
        let json = try JSONValue.parse(output.split(separator: "\n").drop { !$0.hasPrefix("{") }.joined(separator: "\n"))
        return (json["account"]?["state"]?.stringValue ?? "", json["account"]?["reason"]?.stringValue ?? "")
    }

    func waitForState(_ scratch: Scratch, _ state: String, timeout: Duration = .seconds(60)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var last = ("", "")
        while ContinuousClock.now < deadline {
            last = try await accountState(scratch)
            if last.0 == state { return last.1 }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("account never reached \(state); last \(last)")
        throw GatewayDidNotStart()
    }

    @Test func linkLoginRevokeReplaceAndBackoffWithTheSandbox() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("character.json", GatewayEndToEndTests.exampleCharacter)
        try await withTestDatabase { db in
            let (sandbox, url, rootKey) = try await startSandbox(scratch)
            defer { sandbox.kill9() }
            let environment = [
                "DATABASE_URL": db.connectionString, "WAGATE_WA_URL": url, "WAGATE_WA_ROOT_KEY": rootKey,
                "WAGATE_RECONNECT_INITIAL_DELAY": "0.2", "WAGATE_RECONNECT_MAX_DELAY": "0.8",
            ]
            func start() async throws -> WagateProcess {
                let gateway = try WagateProcess(
                    ["start", "--character=character.json", "--state-dir", ".wagate"], environment: environment, directory: scratch.path)
                guard await gateway.waitForOutput("wagate started", timeout: .seconds(180)) else {
                    gateway.kill9()
                    Issue.record("gateway did not start:\n\(gateway.output)")
                    throw GatewayDidNotStart()
                }
                return gateway
            }

            // 1. A fresh account prints a QR code in the terminal and offers it through `wagate qr`.
            var gateway = try await start()
            let qr = try await waitForQR(scratch)
            #expect(await gateway.waitForOutput("Scan this QR code with WhatsApp on your phone", timeout: .seconds(10)))
            #expect(gateway.output.contains("\u{2580}") || gateway.output.contains("\u{2584}"), "the QR code is drawn with half blocks")
            let pngPath = scratch.file("qr.png")
            let (pngCode, pngOutput) = try await cli(scratch, ["qr", Self.account, "--png", pngPath, "--socket", ".wagate/control.sock"])
            #expect(pngCode == 0, "\(pngOutput)")
            let png = try Data(contentsOf: URL(fileURLWithPath: pngPath))
            #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])

            // 2. The phone scans it: the device links and logs in.
            let (scanCode, scanOutput) = try await cli(scratch, ["sandbox", "scan", qr, "--phone", Self.phone, "--state", "sandbox"])
            #expect(scanCode == 0, "\(scanOutput)")
            #expect(await gateway.waitForOutput("[WhatsApp] Connected to WhatsApp!", timeout: .seconds(30)), "\(gateway.output)")
            let connectedLine = gateway.output.split(separator: "\n").first { $0.contains("[WhatsApp] Connected to WhatsApp!") } ?? ""
            #expect(connectedLine.contains("agent=milady-whatsapp-test") && connectedLine.contains("account=\(Self.account)"), "\(connectedLine)")
            _ = try await waitForState(scratch, "connected")
            let (qrAfter, _) = try await cli(scratch, ["qr", Self.account, "--socket", ".wagate/control.sock"])
            #expect(qrAfter != 0, "`wagate qr` must fail once the account is linked")

            // 3. A restart logs in with the stored session, without any QR code.
            gateway.signal(SIGTERM)
            #expect(await gateway.waitForExit() == 0)
            gateway = try await start()
            #expect(await gateway.waitForOutput("[WhatsApp] Connected to WhatsApp!", timeout: .seconds(30)), "\(gateway.output)")
            #expect(!gateway.output.contains("Scan this QR code"))

            // 4. The phone removes the device: the session is discarded and a new QR code follows.
            let (revokeCode, revokeOutput) = try await cli(scratch, ["sandbox", "revoke", Self.phone, "--state", "sandbox"])
            #expect(revokeCode == 0, "\(revokeOutput)")
            #expect(await gateway.waitForOutput("the phone removed this device", timeout: .seconds(30)), "\(gateway.output)")
            let secondQR = try await waitForQR(scratch, different: qr)
            #expect(await gateway.waitForOutput("Scan this QR code", timeout: .seconds(10)))
            _ = try await cli(scratch, ["sandbox", "scan", secondQR, "--phone", Self.phone, "--state", "sandbox"])
            _ = try await waitForState(scratch, "connected")

            // 5. Another connection takes the device over (440): the account stops with that reason and stays stopped.
            let (replaceCode, replaceOutput) = try await cli(scratch, ["sandbox", "replace", Self.phone, "--state", "sandbox"])
            #expect(replaceCode == 0, "\(replaceOutput)")
            let reason = try await waitForState(scratch, "stopped")
            #expect(reason.contains("replaced"), "\(reason)")
            try await Task.sleep(for: .seconds(2))
            #expect(try await accountState(scratch).state == "stopped", "a replaced account must not reconnect on its own")

            // 6. Refused logins back off, with delays drawn under a bound that doubles up to the cap.
            _ = try await cli(scratch, ["accounts", "start", Self.account, "--socket", ".wagate/control.sock"])
            _ = try await waitForState(scratch, "connected")
            _ = try await cli(scratch, ["sandbox", "refuse", Self.phone, "--code", "503", "--state", "sandbox"])
            _ = try await cli(scratch, ["sandbox", "drop", Self.phone, "--state", "sandbox"])
            #expect(await gateway.waitForOutput("attempt=6", timeout: .seconds(30)), "\(gateway.output)")
            let attempts = gateway.output.split(separator: "\n").filter { $0.contains("[WhatsApp] connection lost; reconnecting") }
            let bounds = attempts.compactMap { line -> Double? in
                guard let r = line.range(of: "bound_s=") else { return nil }
                return Double(line[r.upperBound...].prefix { $0.isNumber || $0 == "." })
            }
            let delays = attempts.compactMap { line -> Double? in
                guard let r = line.range(of: "delay_s=") else { return nil }
                return Double(line[r.upperBound...].prefix { $0.isNumber || $0 == "." })
            }
            #expect(Array(bounds.prefix(4)) == [0.2, 0.4, 0.8, 0.8], "bounds double up to the cap: \(bounds)")
            #expect(zip(delays, bounds).allSatisfy { $0 <= $1 + 0.05 }, "each delay is within its bound: \(delays) vs \(bounds)")
            #expect(Set(delays).count > 1, "full jitter: delays differ \(delays)")
            _ = try await cli(scratch, ["sandbox", "refuse", Self.phone, "--off", "--state", "sandbox"])
            _ = try await waitForState(scratch, "connected")

            // 7. The documented re-pair: delete the authDir's contents and restart; a new QR code shows.
            gateway.signal(SIGTERM)
            #expect(await gateway.waitForExit() == 0)
            let authDir = scratch.file("auth/whatsapp-test")
            for file in try FileManager.default.contentsOfDirectory(atPath: authDir) {
                try FileManager.default.removeItem(atPath: (authDir as NSString).appendingPathComponent(file))
            }
            gateway = try await start()
            _ = try await waitForQR(scratch)
            #expect(await gateway.waitForOutput("Scan this QR code", timeout: .seconds(10)))

            // 8. The alternative to scanning: a pairing code for a phone number, entered on the phone.
            let (linkCode, linkOutput) = try await cli(
                scratch, ["link", Self.account, "--phone", "+15550002222", "--socket", ".wagate/control.sock"])
            #expect(linkCode == 0, "\(linkOutput)")
            let code = linkOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(code.range(of: "^[1-9A-HJ-NP-TV-Z]{4}-[1-9A-HJ-NP-TV-Z]{4}$", options: .regularExpression) != nil, "\(code)")
            let (enterCode, enterOutput) = try await cli(scratch, ["sandbox", "code", code, "--phone", "+15550002222", "--state", "sandbox"])
            #expect(enterCode == 0, "\(enterOutput)")
            #expect(enterOutput.contains("15550002222:"), "\(enterOutput)")
            _ = try await waitForState(scratch, "connected")
            gateway.signal(SIGTERM)
            #expect(await gateway.waitForExit() == 0)
        }
    }

    @Test func aWrongRootKeyIsReportedAsAnUntrustedServerCertificate() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("character.json", GatewayEndToEndTests.exampleCharacter)
        try await withTestDatabase { db in
            let (sandbox, url, _) = try await startSandbox(scratch)
            defer { sandbox.kill9() }
            let gateway = try WagateProcess(
                ["start", "--character=character.json", "--state-dir", ".wagate"],
                environment: ["DATABASE_URL": db.connectionString, "WAGATE_WA_URL": url, "WAGATE_WA_ROOT_KEY": String(repeating: "ab", count: 32)],
                directory: scratch.path)
            defer { gateway.kill9() }
            #expect(await gateway.waitForOutput("server certificate is not trusted", timeout: .seconds(120)), "\(gateway.output)")
            let reason = try await waitForState(scratch, "backoff")
            #expect(reason.contains("server certificate is not trusted"), "\(reason)")
        }
    }
}
