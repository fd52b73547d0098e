import Foundation
import Logging
import Synchronization
import Testing
import WAGateCore
import WAGateCrypto
import WAGateLink
import WAGateSandbox
import WAGateStore
import WAGateTestSupport
import WAWeb

/// A `WebAccountLink` against the sandbox server, with its keys sealed in a real PostgreSQL: the whole
/// life of a WhatsApp Web account — QR, scan, login, restart, revoke, replace, backoff.
@Suite(.timeLimit(.minutes(2)))
struct WebAccountLinkTests {
    static let phone = "+15550001111"
    let account = AccountID(agent: "agent", account: "default")

    @Test func aScannedQRLinksTheAccountAndARestartLogsInWithoutQR() async throws {
        try await withLinkHarness { h in
            let first = h.start()
            let qr = try await first.waitForQR()
            #expect(qr.text.hasPrefix("https://wa.me/settings/linked_devices#"))
            #expect(await first.states.contains { $0.state == .awaitingQR })
            _ = try await h.sandbox.scan(qrText: qr.text, phone: Self.phone)
            try await first.wait(for: .connected)
            #expect(first.link.currentQR() == nil)
            #expect(try await h.storedNames().contains(PairedDevice.entryName))
            await first.stop()

            let second = h.start()
            try await second.wait(for: .connected)
            let seen = await second.states.map(\.state)
            #expect(!seen.contains(.awaitingQR), "a linked account must log in without a QR code: \(seen)")
            await second.stop()
        }
    }

    @Test func aRevokedDeviceIsDiscardedAndANewQRFollows() async throws {
        try await withLinkHarness { h in
            let run = h.start()
            let firstQR = try await run.waitForQR()
            _ = try await h.sandbox.scan(qrText: firstQR.text, phone: Self.phone)
            try await run.wait(for: .connected)
            let revoked = try await h.sandbox.revoke(phone: Self.phone)
            #expect(revoked == 1)
            let state = try await run.wait(for: .awaitingQR) { $0.reason?.contains("logged_out") == true }
            #expect(state.reason?.contains("the phone removed this device") == true, "\(state)")
            let secondQR = try await run.waitForQR()
            // New device keys: the old noise and identity keys are gone with the discarded session.
            #expect(secondQR.text.split(separator: ",").dropFirst().first != firstQR.text.split(separator: ",").dropFirst().first)
            #expect(try await !h.storedNames().contains(PairedDevice.entryName))
            await run.stop()
        }
    }

    @Test func aReplacedSessionStopsTheAccountWithoutReconnecting() async throws {
        try await withLinkHarness { h in
            let run = h.start()
            _ = try await h.sandbox.scan(qrText: try await run.waitForQR().text, phone: Self.phone)
            try await run.wait(for: .connected)
            #expect(try await h.sandbox.replace(phone: Self.phone) == 1)
            let stopped = try await run.wait(for: .stopped)
            #expect(stopped.reason == DisconnectReason.replacedReason)
            await run.finished()
            // The run ended: nothing after `stopped`, no reconnect.
            #expect(await run.states.last?.state == .stopped)
        }
    }

    @Test func refusedLoginsBackOffWithGrowingAttempts() async throws {
        try await withLinkHarness(reconnect: ReconnectConfiguration(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(200))) { h in
            let run = h.start()
            _ = try await h.sandbox.scan(qrText: try await run.waitForQR().text, phone: Self.phone)
            try await run.wait(for: .connected)
            try await h.sandbox.refuseLogins(phone: Self.phone, code: 503)
            _ = try await h.sandbox.drop(phone: Self.phone)
            for attempt in 1...4 {
                try await run.wait(for: .backoff) { $0.reason?.contains("reconnect attempt \(attempt) in") == true }
            }
            try await h.sandbox.refuseLogins(phone: Self.phone, code: nil)
            try await run.wait(for: .connected)
            await run.stop()
        }
    }

    @Test func aConnectionThatGoesSilentIsDeclaredDeadByTheKeepalive() async throws {
        let keepalive = KeepaliveConfiguration(
            pingInterval: .milliseconds(100) ... .milliseconds(150), responseTimeout: .milliseconds(200), maxMissedPings: 2)
        try await withLinkHarness(keepalive: keepalive) { h in
            let run = h.start()
            _ = try await h.sandbox.scan(qrText: try await run.waitForQR().text, phone: Self.phone)
            try await run.wait(for: .connected)
            // Answered pings keep it up well past two missed-ping deadlines.
            try await Task.sleep(for: .seconds(1))
            #expect(await run.states.last?.state == .connected)
            let mark = await run.states.count
            #expect(try await h.sandbox.silence(phone: Self.phone) == 1)
            let dead = try await run.wait(for: .backoff, after: mark)
            #expect(dead.reason?.contains("keepalive timeout") == true, "\(dead)")
            // The next connection is a new one, which the sandbox answers again.
            try await run.wait(for: .connected, after: mark)
            await run.stop()
        }
    }

    @Test func aServerSigningWithAnotherRootIsNotTrusted() async throws {
        try await withLinkHarness(rootKey: try Curve25519.KeyPair.generate().publicKey) { h in
            let run = h.start()
            let state = try await run.wait(for: .backoff)
            #expect(state.reason?.contains("server certificate is not trusted") == true, "\(state)")
            await run.stop()
        }
    }

    @Test func unscannedQRCodesStopAfterTheConfiguredRounds() async throws {
        let rotation = QRRotationConfiguration(firstRefDuration: .milliseconds(300), nextRefDuration: .milliseconds(200), maxRounds: 2)
        try await withLinkHarness(qrRotation: rotation, refsPerRound: 2) { h in
            let run = h.start()
            let stopped = try await run.wait(for: .stopped)
            await run.finished()
            #expect(run.link.currentQR() == nil)
            let shown = await run.presented.compactMap(\.reason)
            #expect(shown.count == 4, "two rounds of two refs each: \(shown.count) shown")
            #expect(Set(shown).count == 4)
            #expect(stopped.reason?.contains("QR code not scanned after 2 rounds") == true, "\(stopped)")
        }
    }
}

// MARK: - Harness

/// One sandbox, one database, and a way to run links of the same account one after the other.
struct LinkHarness: Sendable {
    let sandbox: SandboxServer
    let url: String
    let rootKey: [UInt8]
    let credentials: SealedCredentials
    let account: AccountID
    let configuration: WebLinkConfiguration
    let pool: PGPool

    func start() -> LinkRun {
        LinkRun { presenter in
            WebAccountLink(
                account: account, authDir: nil, credentials: credentials, configuration: configuration,
                logger: Logger(label: "test.link"), presentQR: presenter)
        }
    }

    func storedNames() async throws -> [String] {
        let result = try await pool.query("SELECT name FROM device_credentials WHERE account_id = $1", [.text(account.description)])
        return try (0..<result.rowCount).map { try result.string(row: $0, column: 0) ?? "" }
    }
}

func withLinkHarness(
    rootKey overrideRootKey: [UInt8]? = nil,
    reconnect: ReconnectConfiguration = ReconnectConfiguration(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(200)),
    qrRotation: QRRotationConfiguration = QRRotationConfiguration(),
    keepalive: KeepaliveConfiguration = KeepaliveConfiguration(),
    refsPerRound: Int = 6,
    _ body: (LinkHarness) async throws -> Void
) async throws {
    try await withTestDatabase { db in
        let logger = Logger(label: "test.link")
        let keys = AccountKeys(ring: KeyRing(current: try .generate()), repository: DataKeyRepository(pool: db.pool), logger: logger)
        let credentials = SealedCredentials(keys: keys, repository: CredentialRepository(pool: db.pool))
        var sandboxConfiguration = SandboxConfiguration()
        sandboxConfiguration.refsPerRound = refsPerRound
        let sandbox = try SandboxServer(configuration: sandboxConfiguration)
        try await sandbox.withRunning { url in
            let rootKey = try overrideRootKey ?? #require(Hex.decode(sandbox.rootPublicKeyHex))
            let configuration = WebLinkConfiguration(
                webSocket: WebSocketClientConfiguration(url: url, connectTimeout: .seconds(5)), trustedRootKey: rootKey,
                reconnect: reconnect, qrRotation: qrRotation, keepalive: keepalive, loginTimeout: .seconds(5),
                handshakeTimeout: .seconds(5))
            try await body(
                LinkHarness(
                    sandbox: sandbox, url: url, rootKey: rootKey, credentials: credentials,
                    account: AccountID(agent: "agent", account: "default"), configuration: configuration, pool: db.pool))
        }
    }
}

/// A running link and everything it reported.
final class LinkRun: Sendable {
    struct Report: Sendable, CustomStringConvertible {
        var state: AccountState
        var reason: String?
        var description: String { "\(state.rawValue): \(reason ?? "-")" }
    }

    let link: WebAccountLink
    private let log = ReportLog()
    private let task: Task<Void, Never>
    private let qrLog = ReportLog()

    init(_ make: (@escaping WebAccountLink.QRPresenter) -> WebAccountLink) {
        let qrLog = self.qrLog
        let link = make { _, qr in if let qr { qrLog.append(Report(state: .awaitingQR, reason: qr.text)) } }
        self.link = link
        let log = self.log
        task = Task { await link.run(reporter: AccountLinkReporter { state, reason in log.append(Report(state: state, reason: reason)) }) }
    }

    var states: [Report] { get async { log.all } }
    var presented: [Report] { get async { qrLog.all } }

    /// Waits until the link reports `state` (and `matching` accepts it); returns that report.
    @discardableResult
    func wait(
        for state: AccountState, after skipped: Int = 0, timeout: Duration = .seconds(20), matching: (Report) -> Bool = { _ in true }
    ) async throws -> Report {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var seen = skipped
        while ContinuousClock.now < deadline {
            let all = log.all
            for report in all.dropFirst(seen) where report.state == state && matching(report) { return report }
            seen = all.count
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestTimeout("no \(state.rawValue) within \(timeout); reports: \(log.all)")
    }

    /// Waits until a QR code is on offer.
    func waitForQR(timeout: Duration = .seconds(20)) async throws -> PairingQR {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if let qr = link.currentQR() { return qr }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestTimeout("no QR code within \(timeout); reports: \(log.all)")
    }

    func stop() async {
        task.cancel()
        await task.value
    }

    func finished() async { await task.value }
}

final class ReportLog: Sendable {
    private let reports = Mutex<[LinkRun.Report]>([])
    func append(_ r: LinkRun.Report) { reports.withLock { $0.append(r) } }
    var all: [LinkRun.Report] { reports.withLock { $0 } }
}

struct TestTimeout: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
