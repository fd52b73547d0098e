import Foundation
import Logging
import Synchronization

/// One WhatsApp account: an isolated actor with one consumer loop and a bounded mailbox.
///
/// Everything that changes the account (operator commands, reports from its connection) goes through
/// `submit(_:)` and is applied by `run()` one command at a time, so the account's state never changes
/// concurrently and commands keep their order. A full mailbox refuses new commands instead of growing.
public actor Account {
    /// What the account can be asked to do.
    public enum Command: Sendable {
        /// Open the stored session and connect.
        case start
        /// Disconnect and rest in `stopped` with this reason.
        case stop(reason: String)
        /// A report from the running link.
        case linkReported(AccountState, reason: String?, generation: Int)
        /// WhatsApp refused the account itself (an expired token, a banned number): disconnect and rest
        /// in `failed` with this reason.
        case fail(reason: String)
    }

    /// The outcome of `submit(_:)`.
    public enum SubmitResult: Sendable, Equatable {
        /// Queued for the loop.
        case enqueued
        /// The mailbox is full; the command was not queued.
        case busy
        /// The account's loop has ended.
        case stopped
    }

    /// The account's address.
    public nonisolated let id: AccountID
    /// Its configuration.
    public nonisolated let definition: AccountDefinition
    /// The account's message path (store, conversation, outbox); `nil` when the host runs without one.
    public nonisolated let messaging: (any AccountMessaging)?

    private let opener: any AccountSessionOpener
    private let links: AccountLinkFactory
    private let observer: any AccountObserver
    private let logger: Logger

    private let mailbox: AsyncStream<Command>
    private let mailboxInput: AsyncStream<Command>.Continuation
    private let depth = Atomic<Int>(0)

    private var status: AccountStatus
    private var linkTask: Task<Void, Never>?
    private var link: (any AccountLink)?
    /// Sends the outbox through the link's transport while the account is connected.
    private var deliveryTask: Task<Void, Never>?
    /// Incremented for every link started, so reports from a link that was already stopped are ignored.
    private var generation = 0

    /// Creates an account in `stopped` state.
    /// - Parameters:
    ///   - agent: the owning agent's slug.
    ///   - definition: the account's resolved configuration.
    ///   - mailboxCapacity: commands that may wait; beyond it `submit` answers `.busy`.
    public init(
        agent: String, definition: AccountDefinition, opener: any AccountSessionOpener, links: AccountLinkFactory,
        observer: any AccountObserver, logger: Logger, messaging: AccountMessagingFactory = .none, mailboxCapacity: Int = 64
    ) {
        let id = AccountID(agent: agent, account: definition.id)
        self.id = id
        self.definition = definition
        self.messaging = messaging.make(id, definition)
        self.opener = opener
        self.links = links
        self.observer = observer
        var logger = logger
        logger[metadataKey: "account"] = "\(id)"
        self.logger = logger
        (mailbox, mailboxInput) = AsyncStream.makeStream(of: Command.self, bufferingPolicy: .bufferingOldest(mailboxCapacity))
        status = AccountStatus(
            id: id, name: definition.name ?? definition.id, kind: definition.kind.rawValue, enabled: definition.enabled,
            state: .stopped, reason: definition.enabled ? "not started yet" : "disabled in configuration",
            since: Date(), linked: false, mailboxDepth: 0)
    }

    /// Queues a command without waiting.
    public nonisolated func submit(_ command: Command) -> SubmitResult {
        depth.add(1, ordering: .relaxed)
        switch mailboxInput.yield(command) {
        case .enqueued:
            return .enqueued
        case .dropped:
            depth.subtract(1, ordering: .relaxed)
            return .busy
        case .terminated:
            depth.subtract(1, ordering: .relaxed)
            return .stopped
        @unknown default:
            depth.subtract(1, ordering: .relaxed)
            return .busy
        }
    }

    /// Ends the loop after the commands already queued.
    public nonisolated func finish() {
        mailboxInput.finish()
    }

    /// The current snapshot.
    public func snapshot() -> AccountStatus {
        var s = status
        s.mailboxDepth = depth.load(ordering: .relaxed)
        return s
    }

    /// The single consumer loop. Returns after `finish()` once the link has stopped.
    public func run() async {
        // The conversation's background work lives exactly as long as the mailbox loop.
        let conversation = messaging.map { messaging in Task { await messaging.run() } }
        for await command in mailbox {
            depth.subtract(1, ordering: .relaxed)
            await handle(command)
        }
        await stopLink()
        if status.state.isActive {
            await transition(to: .stopped, reason: "gateway shutting down")
        }
        conversation?.cancel()
        await conversation?.value
    }

    /// Hands inbound messages to the account's message path; returns after their durable write, so the
    /// caller may acknowledge them to WhatsApp.
    /// - Throws: ``AccountLinkError`` when the account has no message path, or the store's error.
    public nonisolated func receive(_ messages: [InboundMessage]) async throws {
        guard let messaging else { throw AccountLinkError("\(id) has no message store in this process") }
        try await messaging.receive(messages)
    }

    /// Applies delivery news about messages the account sent.
    public nonisolated func apply(_ updates: [MessageStatusUpdate]) async throws {
        guard let messaging else { throw AccountLinkError("\(id) has no message store in this process") }
        try await messaging.apply(updates)
    }

    /// The QR code to scan, while the account waits for one.
    public func currentQR() -> PairingQR? {
        guard status.state == .awaitingQR else { return nil }
        return link?.currentQR()
    }

    /// Downloads the file of a received media message through the running link, at most the account's
    /// `mediaMaxMb` (and never more than `ceiling` bytes).
    public func downloadMedia(_ media: MediaAttachment, ceiling: Int) async throws -> (bytes: [UInt8], mimeType: String?) {
        guard status.state == .connected, let link else {
            throw AccountLinkError("\(id) is not connected (state \(status.state.rawValue)); media can be downloaded while it is")
        }
        let limit = min(ceiling, max(1, definition.settings.mediaMaxMb) * 1_048_576)
        return try await link.downloadMedia(media, maxBytes: limit)
    }

    /// Asks the running link for a phone-number pairing code.
    /// - Throws: ``AccountLinkError`` when the account is not waiting to be linked.
    public func requestPairingCode(phoneNumber: String) async throws -> String {
        guard status.state == .awaitingQR, let link else {
            throw AccountLinkError(
                "\(id) is not waiting to be linked (state \(status.state.rawValue)); a pairing code is only available while it waits for a scan")
        }
        return try await link.requestPairingCode(phoneNumber: phoneNumber)
    }

    // MARK: - Commands

    private func handle(_ command: Command) async {
        switch command {
        case .start:
            await start()
        case .stop(let reason):
            await stopLink()
            if status.state != .stopped {
                await transition(to: .stopped, reason: reason)
            }
        case .linkReported(let state, let reason, let gen):
            guard gen == generation, linkTask != nil else { return }  // a report from a link already stopped
            await transition(to: state, reason: reason)
        case .fail(let reason):
            guard status.state.isActive else { return }
            await stopLink()
            await transition(to: .failed, reason: reason)
        }
    }

    private func start() async {
        guard !status.state.isActive else {
            logger.debug("start ignored: account already active", metadata: ["state": "\(status.state.rawValue)"])
            return
        }
        await transition(to: .starting, reason: "opening stored session")
        let session: OpenedSession
        do {
            session = try await opener.openSession(for: id, definition: definition)
        } catch {
            logger.error("cannot open the stored session", metadata: ["error": "\(error)"])
            await transition(to: .failed, reason: "cannot open the stored session: \(error)")
            return
        }
        if let unreadable = session.unreadableReason {
            // Documented behaviour: a missing or replaced data key means "not linked", never a crash.
            logger.warning("stored session is unreadable; treating the account as not linked", metadata: ["reason": "\(unreadable)"])
        }
        status.linked = session.linked
        guard let link = links.make(id, definition, session) else {
            let what = definition.kind == .cloud ? "WhatsApp Business Cloud API" : "WhatsApp Web (QR link)"
            await transition(to: .failed, reason: "\(what) connections are not available in this build of wagate")
            return
        }
        generation += 1
        let gen = generation
        let messaging = self.messaging
        let reporter = AccountLinkReporter(
            { [weak self] state, reason in
                _ = self?.submit(.linkReported(state, reason: reason, generation: gen))
            },
            deliver: { [id] messages, alsoWrite in
                guard let messaging else { throw AccountLinkError("\(id) has no message store in this process") }
                try await messaging.receive(messages, alsoWrite: alsoWrite)
            },
            apply: { [id] updates in
                guard let messaging else { throw AccountLinkError("\(id) has no message store in this process") }
                try await messaging.apply(updates)
            },
            lease: { await messaging?.currentLease() })
        // An unstructured task, owned by this actor: it is cancelled and awaited in `stopLink()` on every
        // path out of the running states, so it never outlives the account's loop.
        self.link = link
        linkTask = Task { await link.run(reporter: reporter) }
    }

    private func stopLink() async {
        await stopDelivery()
        guard let task = linkTask else { return }
        linkTask = nil
        link = nil
        task.cancel()
        await task.value
    }

    /// Starts sending the outbox when the account is connected, and stops it when it is not.
    private func updateDelivery(for state: AccountState) async {
        if state == .connected {
            guard deliveryTask == nil, let messaging, let transport = link?.transport else { return }
            let fail: @Sendable (String) -> Void = { [weak self] reason in _ = self?.submit(.fail(reason: reason)) }
            deliveryTask = Task { await messaging.deliver(through: transport, onAccountFailure: fail) }
        } else {
            await stopDelivery()
        }
    }

    private func stopDelivery() async {
        guard let task = deliveryTask else { return }
        deliveryTask = nil
        task.cancel()
        await task.value
    }

    private func transition(to state: AccountState, reason: String?) async {
        await updateDelivery(for: state)
        // A login proves a linked device; waiting for a scan or a removed device proves none.
        switch state {
        case .connected: status.linked = true
        case .awaitingQR, .loggedOut: status.linked = false
        default: break
        }
        status.state = state
        status.reason = reason
        status.since = Date()
        logger.info(
            "account state changed",
            metadata: ["state": "\(state.rawValue)", "reason": "\(reason ?? "")"])
        await observer.accountDidChange(snapshot())
    }
}
