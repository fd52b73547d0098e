import Foundation
import Logging
import WAGateCore
import WAGateStore

/// The message path of one account (DESIGN §1): durable write, policy, debounce, the agent's reply,
/// chunking and prefix, then the outbox, sent at the account's rate through the link's transport.
///
/// Inbound work for the account is ordered: replies are produced one batch at a time, in arrival order,
/// by one loop; sends go out in outbox order by one dispatcher. Nothing here spawns a task per message.
public actor AccountConversation: AccountMessaging {
    private let account: AccountID
    private let definition: AccountDefinition
    private let agent: AgentDefinition
    private let store: MessageStore
    private let replier: any AgentReplier
    private let pairing: PairingRepository?
    private let observer: (any MessagingObserver)?
    private let logger: Logger
    /// When this conversation began; older messages get no pairing reply (history catch-up).
    private let startedAt = Date()
    private let clock = ContinuousClock()

    private var policy: ConversationPolicy
    private var debouncer: Debouncer<ContinuousClock, InboundMessage>
    private var limiter: SendRateLimiter<ContinuousClock>
    private let replies: AsyncStream<[InboundMessage]>
    private let replyInput: AsyncStream<[InboundMessage]>.Continuation
    /// Stored messages waiting for the policy, read receipts and debounce: the durable write returns
    /// to the link (or the webhook) without waiting for any of that.
    private let inbound: AsyncStream<InboundMessage>
    private let inboundInput: AsyncStream<InboundMessage>.Continuation
    private let debounceWake = WakeSignal()
    private let outboxWake = WakeSignal()
    private var transport: (any MessageTransport)?
    /// The lease fencing every write; `nil` without leases.
    private var lease: AccountLease?
    /// Until when WhatsApp asked the whole account to hold its sends.
    private var pausedUntil: ContinuousClock.Instant?

    /// How many reply batches may wait for the agent; beyond it new ones are refused and logged.
    public static let replyQueueCapacity = 1024
    /// How many stored messages may wait for the policy; beyond it they stay stored, unanswered, and
    /// the refusal is logged.
    public static let inboundQueueCapacity = 4096

    /// Creates the message path of `definition` on `agent`.
    public init(
        account: AccountID, definition: AccountDefinition, agent: AgentDefinition, store: MessageStore, replier: any AgentReplier,
        pairing: PairingRepository? = nil, observer: (any MessagingObserver)? = nil, logger: Logger
    ) {
        self.pairing = pairing
        self.observer = observer
        self.account = account
        self.definition = definition
        self.agent = agent
        self.store = store
        self.replier = replier
        var logger = logger
        logger[metadataKey: "account"] = "\(account)"
        self.logger = logger
        let settings = definition.settings
        self.policy = ConversationPolicy(settings: settings, agentName: agent.name)
        self.debouncer = Debouncer(debounceMs: settings.debounceMs)
        self.limiter = SendRateLimiter(limits: settings.rateLimit(for: definition.kind), now: ContinuousClock().now)
        (replies, replyInput) = AsyncStream.makeStream(of: [InboundMessage].self, bufferingPolicy: .bufferingOldest(Self.replyQueueCapacity))
        (inbound, inboundInput) = AsyncStream.makeStream(of: InboundMessage.self, bufferingPolicy: .bufferingOldest(Self.inboundQueueCapacity))
    }

    // MARK: AccountMessaging

    public nonisolated func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.replyLoop() }
            group.addTask { await self.debounceLoop() }
            group.addTask { await self.inboundLoop() }
        }
    }

    public func receive(_ messages: [InboundMessage], alsoWrite: InboundCompanionWrite?) async throws {
        let fresh = try await store.record(messages, account: account, authDir: definition.authDir, lease: lease, alsoWrite: alsoWrite)
        let newCount = fresh.filter { $0 }.count
        if newCount > 0 { observer?.received(account: account, count: newCount) }
        for (message, isNew) in zip(messages, fresh) {
            guard isNew else {
                logger.debug("re-delivered message dropped", metadata: ["message_id": "\(message.id)"])
                continue
            }
            if case .dropped = inboundInput.yield(message) {
                logger.error(
                    "inbound queue full: message stored but not answered",
                    metadata: ["capacity": "\(Self.inboundQueueCapacity)", "message_id": "\(message.id)"])
            }
        }
    }

    private nonisolated func inboundLoop() async {
        for await message in inbound {
            await consider(message)
        }
    }

    public func apply(_ updates: [MessageStatusUpdate]) async throws {
        try await store.apply(updates, account: account, lease: lease)
        for update in updates where update.status == .failed {
            logger.warning(
                "WhatsApp reports a sent message failed",
                metadata: ["message_id": "\(update.messageID)", "errors": "\(update.errors.map(\.description))"])
        }
    }

    public func deliver(through transport: any MessageTransport, onAccountFailure: @escaping @Sendable (String) -> Void) async {
        self.transport = transport
        defer { self.transport = nil }
        while !Task.isCancelled {
            do {
                if let until = pausedUntil, until > clock.now { try await clock.sleep(until: until) }
                let due = try await store.due(account: account, authDir: definition.authDir, limit: 64)
                if due.isEmpty {
                    let next = try await store.nextDue(account: account)
                    await outboxWake.wait(timeout: next.map { .milliseconds(Int64(max(0, $0) * 1000) + 1) })
                    continue
                }
                var held = Set<String>()
                for queued in due where !held.contains(queued.message.chat) {
                    if Task.isCancelled { return }
                    guard try await send(queued, through: transport, onAccountFailure: onAccountFailure) else {
                        held.insert(queued.message.chat)
                        if pausedUntil.map({ $0 > clock.now }) == true { break }
                        continue
                    }
                }
            } catch is CancellationError {
                return
            } catch let error as StoreError where error.code == .staleFence {
                // Another process owns the account now: stop at once, without another write.
                logger.error("the account's lease was lost; stopping it", metadata: ["error": "\(error)"])
                onAccountFailure("another gateway process took over this account (its lease was lost)")
                return
            } catch {
                logger.error("outbox dispatcher failed; retrying in 1 s", metadata: ["error": "\(error)"])
                try? await clock.sleep(for: .seconds(1))
            }
        }
    }

    public func send(text: String, to chat: String) async throws -> [String] {
        let settings = chat.hasSuffix("@g.us") ? definition.settings.settings(forGroup: chat) : definition.settings
        let chunks = try ReplyChunker(settings: settings).chunks(text)
        let items = chunks.map { (id: MessageIDGenerator.make(ownUser: ""), message: OutboundMessage(chat: chat, content: .text($0))) }
        try await store.enqueue(items, account: account, authDir: definition.authDir, lease: lease)
        outboxWake.signal()
        return items.map(\.id)
    }

    public func history(chat: String?, limit: Int, before: Date?) async throws -> [HistoryEntry] {
        try await store.history(account: account, authDir: definition.authDir, chat: chat, limit: limit, before: before)
    }

    public func message(id: String) async throws -> HistoryEntry? {
        try await store.message(id: id, account: account, authDir: definition.authDir)
    }

    public func limitsSnapshot() async -> JSONValue {
        let snapshot = limiter.snapshot(at: clock.now)
        let pending = (try? await store.pendingCount(account: account)) ?? -1
        return [
            "account": .string(account.description),
            "messagesPerMinute": .int(Int64(snapshot.limits.messagesPerMinute)),
            "burst": .int(Int64(snapshot.limits.burst)),
            "perChatIntervalMs": .int(Int64(snapshot.limits.perChatIntervalMs)),
            "tokens": .int(Int64(snapshot.tokens)),
            "queued": .int(Int64(pending)),
            "chatsWaiting": .int(Int64(snapshot.chatNextAllowed.count)),
            "paused": .bool(pausedUntil.map { $0 > clock.now } ?? false),
        ]
    }

    public func setLease(_ lease: AccountLease?) async {
        self.lease = lease
    }

    public func currentLease() async -> AccountLease? { lease }

    public func updateLimits(_ limits: WhatsAppSettings.RateLimit) async {
        limiter.updateLimits(limits, at: clock.now)
        outboxWake.signal()
    }

    // MARK: Inbound

    private func consider(_ message: InboundMessage) async {
        var approved: Set<String> = []
        if !message.isGroup, definition.settings.dmPolicy == .pairing || definition.settings.dmPolicy == .allowlist, let pairing {
            // Read for every message, so an approval made through any process counts at once.
            do { approved = try await pairing.approvedSenders(accountID: account.description) } catch {
                logger.warning("cannot read the approved senders; treating the sender as unknown", metadata: ["error": "\(error)"])
            }
        }
        let decision = policy.decide(message, approved: approved)
        let settings = message.isGroup ? definition.settings.settings(forGroup: message.chat) : definition.settings
        if settings.sendReadReceipts, !message.fromMe, let transport {
            do { try await transport.markRead(message) } catch {
                logger.debug("read receipt not sent", metadata: ["message_id": "\(message.id)", "error": "\(error)"])
            }
        }
        switch decision {
        case .ignore(let reason):
            logger.info("message stored, not answered", metadata: ["message_id": "\(message.id)", "reason": "\(reason)"])
            return
        case .requestPairing(let sender):
            await requestPairing(sender: sender, message: message)
            return
        case .answer(let react):
            guard message.content.text != nil else {
                logger.debug("nothing to answer in this message", metadata: ["kind": "\(message.content.kind)"])
                return
            }
            if react, let emoji = settings.ackReaction?.emoji {
                await enqueue([OutboundMessage(chat: message.chat, content: .reaction(messageID: message.id, emoji: emoji))])
            }
            let key = Debouncer<ContinuousClock, InboundMessage>.Key(chat: message.chat, sender: message.sender.jid)
            // Media, locations and replies are answered alone (connector reference §4.2).
            let alone: Bool
            switch message.content {
            case .media, .location: alone = true
            default: alone = message.context?.quotedMessageID != nil
            }
            let ready = debouncer.receive(message, key: key, alone: alone, at: clock.now)
            for batch in ready { submitReply(batch.messages) }
            if debouncer.nextDeadline != nil { debounceWake.signal() }
        }
    }

    /// An unknown sender under `dmPolicy: "pairing"`: one reply with a code the operator can approve;
    /// nothing more while the request is pending, and nothing at all beyond the pending cap.
    private func requestPairing(sender: String, message: InboundMessage) async {
        guard let pairing else {
            logger.notice("message from an unknown sender stored, not answered (no pairing store)", metadata: ["sender": "\(sender)"])
            return
        }
        guard message.timestamp >= startedAt.addingTimeInterval(-30) else {
            logger.info("old message from an unknown sender: no pairing request", metadata: ["sender": "\(sender)", "message_id": "\(message.id)"])
            return
        }
        let meta = message.sender.pushName.map { name -> String in
            let data = (try? JSONEncoder().encode(["name": name])) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self)
        }
        do {
            switch try await pairing.upsert(
                accountID: account.description, sender: sender, meta: meta, ttl: PairingCode.ttl, maxPending: PairingCode.maxPending,
                makeCode: PairingCode.generate)
            {
            case .created(let code):
                logger.notice(
                    "[WhatsApp] pairing request from an unknown sender; approve with: wagate pairing approve \(account) \(code)",
                    metadata: ["sender": "\(sender)"])
                _ = try await send(text: PairingCode.reply(sender: sender, code: code, account: account), to: message.chat)
            case .existing:
                logger.info("unknown sender already has a pending pairing request; no second reply", metadata: ["sender": "\(sender)"])
            case .full:
                logger.warning(
                    "unknown sender dropped: \(PairingCode.maxPending) pairing requests are already pending",
                    metadata: ["sender": "\(sender)", "message_id": "\(message.id)"])
            }
        } catch {
            logger.error("pairing request not recorded", metadata: ["sender": "\(sender)", "error": "\(error)"])
        }
    }

    private func submitReply(_ batch: [InboundMessage]) {
        if case .dropped = replyInput.yield(batch) {
            logger.error(
                "reply queue full: messages stored but not answered",
                metadata: ["capacity": "\(Self.replyQueueCapacity)", "message_id": "\(batch.last?.id ?? "")"])
        }
    }

    private nonisolated func debounceLoop() async {
        while !Task.isCancelled {
            guard let deadline = await debouncer.nextDeadline else {
                await debounceWake.wait(timeout: nil)
                continue
            }
            do { try await clock.sleep(until: deadline) } catch { return }
            await flushDebounced()
        }
    }

    private func flushDebounced() {
        for batch in debouncer.tick(at: clock.now) { submitReply(batch.messages) }
    }

    private nonisolated func replyLoop() async {
        for await batch in replies {
            await answer(batch)
        }
    }

    private func answer(_ batch: [InboundMessage]) async {
        guard let last = batch.last else { return }
        let settings = last.isGroup ? definition.settings.settings(forGroup: last.chat) : definition.settings
        if let transport {
            do { try await transport.showTyping(replyingTo: last) } catch {
                logger.debug("typing indicator not sent", metadata: ["error": "\(error)"])
            }
        }
        let reply: String?
        do {
            let limit = last.isGroup ? settings.historyLimit : settings.dmHistoryLimit(for: last.sender.phone ?? last.sender.jid)
            let earlier = try await store.history(
                account: account, authDir: definition.authDir, chat: last.chat, limit: limit + batch.count)
            let ids = Set(batch.map(\.id))
            let history = Array(earlier.filter { !ids.contains($0.id) }.suffix(limit))
            reply = try await replier.reply(
                to: ReplyRequest(agent: agent, account: account, chat: last.chat, messages: batch, history: history))
        } catch {
            // The inbound message is already stored; the user gets no stack trace, the operator a log line.
            logger.error(
                "the agent could not answer; the message is stored and was not answered",
                metadata: ["message_id": "\(last.id)", "error": "\(error)"])
            return
        }
        guard let reply, !reply.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
        let chunks: [String]
        do {
            chunks = try ReplyChunker(settings: settings).chunks(reply)
        } catch {
            logger.error("reply not sent: \(error)", metadata: ["message_id": "\(last.id)"])
            return
        }
        await enqueue(chunks.map { OutboundMessage(chat: last.chat, content: .text($0)) })
    }

    // MARK: Outbound

    /// Queues messages under new ids and wakes the dispatcher.
    private func enqueue(_ messages: [OutboundMessage]) async {
        let items = messages.map { (id: MessageIDGenerator.make(ownUser: ""), message: $0) }
        do {
            try await store.enqueue(items, account: account, authDir: definition.authDir, lease: lease)
            outboxWake.signal()
        } catch {
            logger.error("could not queue a reply", metadata: ["error": "\(error)", "messages": "\(messages.count)"])
        }
    }

    /// Sends one queued message when the limits allow; `false` when its chat must wait (the message was
    /// rescheduled) so later messages of that chat keep their order.
    private func send(
        _ queued: QueuedMessage, through transport: any MessageTransport, onAccountFailure: @escaping @Sendable (String) -> Void
    ) async throws -> Bool {
        while case .wait(let until) = limiter.decide(chat: queued.message.chat, at: clock.now) {
            try await clock.sleep(until: until)
        }
        let remoteID: String
        do {
            remoteID = try await transport.send(queued.message, id: queued.id)
        } catch let error as SendError {
            let code = error.failure?.code
            observer?.sendFailed(account: account, code: code.map(String.init) ?? "\(error.disposition)".prefix { $0 != "(" }.description)
            switch error.disposition {
            case .retry(let after):
                let delay = after ?? Self.backoff(attempt: queued.attempts)
                logger.warning("send failed; will retry", metadata: ["message_id": "\(queued.id)", "in": "\(delay)", "error": "\(error)"])
                try await store.reschedule(queued, after: delay, error: error.description, code: code, account: account, lease: lease)
                return false
            case .throttleAccount(let pause):
                logger.warning(
                    "WhatsApp asked this account to slow down; sends paused",
                    metadata: ["pause": "\(pause)", "error": "\(error)"])
                pausedUntil = clock.now.advanced(by: pause)
                try await store.reschedule(queued, after: pause, error: error.description, code: code, account: account, lease: lease)
                return false
            case .throttleChat(let pause):
                logger.warning("too many messages to this chat; holding it", metadata: ["pause": "\(pause)", "error": "\(error)"])
                try await store.reschedule(queued, after: pause, error: error.description, code: code, account: account, lease: lease)
                return false
            case .rejected:
                logger.warning("message refused by WhatsApp; not retried", metadata: ["message_id": "\(queued.id)", "error": "\(error)"])
                observer?.messageFailed(account: account, messageID: queued.id, chat: queued.message.chat, reason: error.description)
                try await store.markFailed(queued, error: error.description, code: code, account: account, lease: lease)
                return true
            case .accountFailed(let reason):
                logger.error("WhatsApp refused the account; stopping it", metadata: ["reason": "\(reason)"])
                try await store.reschedule(queued, after: .zero, error: error.description, code: code, account: account, lease: lease)
                onAccountFailure(reason)
                throw CancellationError()
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            observer?.sendFailed(account: account, code: "transport")
            let delay = Self.backoff(attempt: queued.attempts)
            logger.warning("send failed; will retry", metadata: ["message_id": "\(queued.id)", "in": "\(delay)", "error": "\(error)"])
            try await store.reschedule(queued, after: delay, error: "\(error)", code: nil, account: account, lease: lease)
            return false
        }
        // A failure here leaves the row pending, so it is sent again: the same id on WhatsApp Web (which
        // the recipient's devices drop as a duplicate); the Cloud API has no such key, a documented limit.
        // The send happened: record it even if the account is being stopped right now (a cancelled task
        // would refuse the write and the message would go out again).
        let (store, account, lease) = (self.store, self.account, self.lease)
        try await Task { try await store.markSent(queued, remoteID: remoteID, account: account, lease: lease) }.value
        observer?.sent(account: account)
        return true
    }

    /// 1 s, 2 s, 4 s … capped at 5 minutes.
    static func backoff(attempt: Int) -> Duration {
        .seconds(min(300, 1 << min(max(attempt, 0), 9)))
    }
}
