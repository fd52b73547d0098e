import Foundation
import Logging
import Synchronization
import Testing
import WAGateCore

/// Records every status an account reports, in order.
final class RecordingObserver: AccountObserver, Sendable {
    let statuses = Mutex<[AccountStatus]>([])
    let stream: AsyncStream<AccountStatus>
    let input: AsyncStream<AccountStatus>.Continuation

    init() { (stream, input) = AsyncStream.makeStream() }

    func accountDidChange(_ status: AccountStatus) async {
        statuses.withLock { $0.append(status) }
        input.yield(status)
    }

    var states: [AccountState] { statuses.withLock { $0.map(\.state) } }

    /// Waits until a status with `state` arrives and returns it.
    func next(_ state: AccountState) async -> AccountStatus? {
        for await s in stream where s.state == state { return s }
        return nil
    }
}

struct FixedOpener: AccountSessionOpener {
    var result: Result<OpenedSession, any Error>
    func openSession(for id: AccountID, definition: AccountDefinition) async throws -> OpenedSession { try result.get() }
}

struct OpenerFailure: Error, CustomStringConvertible { var description: String { "database unreachable" } }

/// A link that reports `connecting`, then `connected`, then waits to be cancelled.
struct ScriptedLink: AccountLink {
    var cancelled = Flag()
    func run(reporter: AccountLinkReporter) async {
        reporter.report(.connecting, reason: "dialing")
        reporter.report(.connected, reason: "logged in")
        while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(10)) }
        cancelled.value.withLock { $0 = true }
    }
}

final class Flag: Sendable { let value = Mutex(false) }

@Suite struct AccountTests {
    let logger = Logger(label: "test")

    func makeAccount(
        opener: any AccountSessionOpener = FixedOpener(result: .success(OpenedSession(linked: false, credentialNames: []))),
        links: AccountLinkFactory = .none, observer: RecordingObserver, capacity: Int = 64
    ) -> Account {
        Account(
            agent: "bot", definition: AccountDefinition(id: "default"), opener: opener, links: links, observer: observer,
            logger: logger, mailboxCapacity: capacity)
    }

    @Test func startsAndSaysWhyItCannotConnectWithoutALink() async throws {
        let observer = RecordingObserver()
        let account = makeAccount(observer: observer)
        #expect(account.id.description == "bot/default")
        #expect(account.submit(.start) == .enqueued)
        let loop = Task { await account.run() }
        let failed = await observer.next(.failed)
        #expect(failed?.reason?.contains("WhatsApp Web (QR link) connections are not available") == true)
        #expect(observer.states == [.starting, .failed])
        account.finish()
        await loop.value
        // A failed account stays failed at shutdown: its reason is the useful one.
        #expect(observer.states == [.starting, .failed])
    }

    @Test func linkReportsDriveTheStateAndStopCancelsTheLink() async throws {
        let observer = RecordingObserver()
        let cancelled = Flag()
        let links = AccountLinkFactory { _, _, _ in ScriptedLink(cancelled: cancelled) }
        let account = makeAccount(links: links, observer: observer)
        let loop = Task { await account.run() }
        _ = account.submit(.start)
        _ = await observer.next(.connected)
        #expect(observer.states == [.starting, .connecting, .connected])
        _ = account.submit(.stop(reason: "operator asked"))
        let stopped = await observer.next(.stopped)
        #expect(stopped?.reason == "operator asked")
        #expect(cancelled.value.withLock { $0 })
        account.finish()
        await loop.value
    }

    @Test func shutdownStopsAnActiveAccount() async throws {
        let observer = RecordingObserver()
        let links = AccountLinkFactory { _, _, _ in ScriptedLink() }
        let account = makeAccount(links: links, observer: observer)
        let loop = Task { await account.run() }
        _ = account.submit(.start)
        _ = await observer.next(.connected)
        account.finish()
        await loop.value
        #expect(observer.statuses.withLock { $0.last?.state } == .stopped)
        #expect(observer.statuses.withLock { $0.last?.reason } == "gateway shutting down")
        #expect(account.submit(.start) == .stopped)
    }

    @Test func anUnopenableStoreFailsTheAccountWithTheReason() async throws {
        let observer = RecordingObserver()
        let account = makeAccount(opener: FixedOpener(result: .failure(OpenerFailure())), observer: observer)
        let loop = Task { await account.run() }
        _ = account.submit(.start)
        let failed = await observer.next(.failed)
        #expect(failed?.reason == "cannot open the stored session: database unreachable")
        account.finish()
        await loop.value
    }

    @Test func aLinkedSessionIsReported() async throws {
        let observer = RecordingObserver()
        let opener = FixedOpener(result: .success(OpenedSession(linked: true, credentialNames: ["noise"])))
        let account = makeAccount(opener: opener, observer: observer)
        let loop = Task { await account.run() }
        _ = account.submit(.start)
        let failed = await observer.next(.failed)
        #expect(failed?.linked == true)
        account.finish()
        await loop.value
    }

    @Test func aFullMailboxRefusesInsteadOfGrowing() async throws {
        let observer = RecordingObserver()
        let account = makeAccount(observer: observer, capacity: 2)
        #expect(account.submit(.stop(reason: "a")) == .enqueued)
        #expect(account.submit(.stop(reason: "b")) == .enqueued)
        #expect(account.submit(.stop(reason: "c")) == .busy)
        #expect(await account.snapshot().mailboxDepth == 2)
        account.finish()
        await account.run()
        #expect(await account.snapshot().mailboxDepth == 0)
    }
}
