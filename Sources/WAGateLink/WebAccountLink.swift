import Foundation
import Logging
import SwiftProtobuf
import Synchronization
import WABinary
import WAGateCore
import WAGateStore
import WASignal
import WAWeb

/// A WhatsApp Web account's connection: pairs by QR code when no device is linked, logs in with the
/// stored device otherwise, and keeps the connection up according to ``ReconnectStateMachine``.
///
/// The decisions are the pure state machines' (reconnect, pairing, keepalive); this type is the shell
/// that performs them: it opens sessions, sleeps for the backoff, stores keys, shows QR codes and
/// reports the account's state. One `run` per account start; it ends when the account is stopped
/// (task cancelled), when the machine says stop (440 replaced, QR rounds exhausted) or fail.
public final class WebAccountLink: AccountLink {
    /// Shows or removes an account's QR code (the terminal, in the gateway); `nil` removes it.
    public typealias QRPresenter = @Sendable (AccountID, PairingQR?) -> Void

    private let id: AccountID
    private let authDir: String?
    private let store: WebSessionStore
    private let configuration: WebLinkConfiguration
    private let logger: Logger
    private let presentQR: QRPresenter
    private let shared = Mutex<Shared>(Shared())
    private let messagingStorage: MessagingStorage?
    private let live = WebLiveConnection()

    /// Where a linked device keeps what messaging needs beyond its credentials: the account's data key
    /// (to seal Signal state) and the Signal state table.
    public struct MessagingStorage: Sendable {
        let keys: AccountKeys
        let signalState: SignalStateRepository

        /// Creates the storage.
        public init(keys: AccountKeys, signalState: SignalStateRepository) {
            self.keys = keys
            self.signalState = signalState
        }
    }

    private struct Shared {
        var qr: PairingQR?
        var requests: AsyncStream<ConnectionInput>.Continuation?
    }

    /// Creates the link of one account.
    /// - Parameters:
    ///   - account: The account's address (for logs and the QR code's owner).
    ///   - authDir: The account's `authDir`, where its data key may live.
    ///   - credentials: The sealed credential store.
    ///   - configuration: Server, trust and timing.
    ///   - logger: The gateway's logger.
    ///   - presentQR: Called with each new QR code and with `nil` when none is on offer any more.
    public init(
        account: AccountID, authDir: String?, credentials: SealedCredentials, configuration: WebLinkConfiguration,
        logger: Logger, presentQR: @escaping QRPresenter = { _, _ in }, messaging: MessagingStorage? = nil
    ) {
        self.id = account
        self.authDir = authDir
        self.messagingStorage = messaging
        self.store = WebSessionStore(credentials: credentials, account: account, authDir: authDir)
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "agent"] = "\(account.agent)"
        logger[metadataKey: "account"] = "\(account)"
        self.logger = logger
        self.presentQR = presentQR
    }

    /// A factory for the gateway: WhatsApp Web accounts get a `WebAccountLink`, others none.
    public static func factory(
        credentials: SealedCredentials, configuration: WebLinkConfiguration, logger: Logger,
        presentQR: @escaping QRPresenter = { _, _ in }, messaging: MessagingStorage? = nil
    ) -> AccountLinkFactory {
        AccountLinkFactory { id, definition, _ in
            guard definition.kind == .web else { return nil }
            return WebAccountLink(
                account: id, authDir: definition.authDir, credentials: credentials, configuration: configuration, logger: logger,
                presentQR: presentQR, messaging: messaging)
        }
    }

    /// Sends through the open connection, when the link keeps messaging state.
    public var transport: (any MessageTransport)? {
        messagingStorage.map { WebTransport(live: live, repository: $0.signalState, account: id) }
    }

    // MARK: - AccountLink

    public func currentQR() -> PairingQR? {
        shared.withLock { $0.qr }
    }

    public func requestPairingCode(phoneNumber: String) async throws -> String {
        let requests = shared.withLock { $0.requests }
        guard let requests else {
            throw AccountLinkError("\(id) has no pairing connection open right now; retry in a few seconds")
        }
        return try await withCheckedThrowingContinuation { continuation in
            if case .terminated = requests.yield(.pairingCode(phoneNumber: phoneNumber, reply: continuation)) {
                continuation.resume(throwing: AccountLinkError("the pairing connection of \(id) just closed; retry in a few seconds"))
            }
        }
    }

    public func run(reporter: AccountLinkReporter) async {
        var loop = RunState(reporter: reporter, reconnect: ReconnectStateMachine(configuration: configuration.reconnect))
        do {
            loop.stored = try await prepare()
        } catch {
            logger.error("cannot load or create the device keys", metadata: ["error": "\(error)"])
            reporter.report(.failed, reason: "cannot load or create the device keys: \(error)")
            return
        }
        var action = loop.reconnect.connectRequested(paired: loop.stored.paired != nil)
        defer { setQR(nil) }
        while !Task.isCancelled {
            loop.reportPhase()
            switch action {
            case .none:
                // Nothing current: only reachable if a connection ended without a decision.
                return
            case .connect:
                let end = await attempt(&loop)
                guard let next = handle(end, &loop) else { return }
                action = next
            case .scheduleReconnect(let delay, let attempt):
                logger.info(
                    "[WhatsApp] connection lost; reconnecting",
                    metadata: [
                        "attempt": "\(attempt)", "delay_s": "\(delay.secondsText)",
                        "bound_s": "\(configuration.reconnect.delayBound(forAttempt: attempt).secondsText)",
                        "reason": "\(loop.reconnect.reason ?? "")",
                    ])
                do { try await Task.sleep(for: delay) } catch { return }
                action = loop.reconnect.timerFired()
            case .discardSessionAndPair(let reason):
                logger.warning("[WhatsApp] the phone removed this device; the stored session is discarded and a new QR code follows")
                do {
                    try await store.discard()
                    loop.stored = try await prepare()
                } catch {
                    logger.error("cannot replace the discarded session", metadata: ["error": "\(error)"])
                    reporter.report(.failed, reason: "\(reason); but new device keys cannot be stored: \(error)")
                    return
                }
                loop.pairing = nil
                action = .connect
            case .stop(let reason):
                logger.notice("[WhatsApp] connection stopped", metadata: ["reason": "\(reason)"])
                reporter.report(.stopped, reason: reason)
                return
            case .fail(let reason):
                logger.error("[WhatsApp] connection failed", metadata: ["reason": "\(reason)"])
                reporter.report(.failed, reason: reason)
                return
            }
        }
    }

    // MARK: - The loop

    /// What the run loop keeps between connections.
    private struct RunState {
        let reporter: AccountLinkReporter
        var reconnect: ReconnectStateMachine<ContinuousClock>
        var stored = WebSessionStore.Loaded()
        /// Kept across the reconnects that fetch new refs: it counts QR rounds.
        var pairing: PairingStateMachine<ContinuousClock>?
        var reported: (state: AccountState, reason: String?)?

        mutating func reportPhase() {
            guard let state = AccountState(rawValue: reconnect.phase.rawValue) else { return }
            let reason = state == .awaitingQR
                ? (reconnect.reason ?? "waiting for the phone to scan the QR code (Settings > Linked Devices > Link a Device)")
                : reconnect.reason
            report(state, reason)
        }

        mutating func report(_ state: AccountState, _ reason: String?) {
            if let reported, reported.state == state, reported.reason == reason { return }
            reported = (state, reason)
            reporter.report(state, reason: reason)
        }
    }

    /// How one connection ended.
    enum AttemptEnd: Sendable {
        /// The connection ended for this reason.
        case disconnected(DisconnectReason)
        /// The phone linked the device and the server asked for the restart: log in now.
        case restartAsLogin(PairedDevice)
        /// Every QR ref of the round expired: reconnect for new ones.
        case needNewRefs
        /// Nobody scanned within the configured rounds.
        case gaveUp(String)
        /// Pairing cannot go on (refused pair-success, downgrade, storage failure).
        case failed(String)
        /// The account is stopping.
        case cancelled
    }

    /// Turns how a connection ended into the next action; `nil` ends the run.
    private func handle(_ end: AttemptEnd, _ loop: inout RunState) -> ReconnectAction? {
        let now = ContinuousClock.now
        switch end {
        case .cancelled:
            return nil
        case .disconnected(let reason):
            if loop.reconnect.phase == .connected {
                logger.warning("[WhatsApp] disconnected", metadata: ["reason": "\(reason)"])
            }
            return loop.reconnect.disconnected(reason, at: now)
        case .restartAsLogin(let device):
            loop.stored.paired = device
            loop.pairing = nil
            _ = loop.reconnect.paired()
            return loop.reconnect.disconnected(.restartRequired, at: now)
        case .needNewRefs:
            return loop.reconnect.disconnected(.qrRefsExhausted, at: now)
        case .gaveUp(let reason):
            loop.pairing = nil
            return loop.reconnect.stopRequested(reason: reason)
        case .failed(let reason):
            loop.reported = (.failed, reason)
            loop.reporter.report(.failed, reason: reason)
            logger.error("[WhatsApp] linking failed", metadata: ["reason": "\(reason)"])
            return nil
        }
    }

    /// Loads the stored device, or generates and stores a new one before any QR code can show it.
    private func prepare() async throws -> WebSessionStore.Loaded {
        var loaded = try await store.load()
        if loaded.device == nil {
            // A new device starts with no Signal state: whatever an earlier device left (sessions with
            // its identity, its prekeys) would only make peers' messages undecryptable.
            if let storage = messagingStorage { try await storage.signalState.discard(accountID: id.description) }
            let device = try DeviceCredentials.generate()
            try await store.save(device)
            loaded = WebSessionStore.Loaded(device: device, paired: nil)
            logger.info("new device keys generated and stored sealed")
        }
        return loaded
    }

    /// One connection: a login when a device is linked, else a pairing connection.
    private func attempt(_ loop: inout RunState) async -> AttemptEnd {
        guard let device = loop.stored.device else { return .failed("no device keys") }
        if let paired = loop.stored.paired {
            return await login(device: device, paired: paired, &loop)
        }
        var pairing = loop.pairing
            ?? PairingStateMachine(
                credentials: device, account: id.description, configuration: configuration.qrRotation)
        defer { loop.pairing = pairing }
        return await pair(device: device, &pairing, &loop)
    }

    // MARK: - Connections

    /// What a connection's loop reads: stanzas, the end of the stream, clock ticks and operator requests.
    enum ConnectionInput: Sendable {
        case event(WAWebSessionEvent)
        case closed((any Error)?)
        case tick
        case pairingCode(phoneNumber: String, reply: CheckedContinuation<String, any Error>)
    }

    /// Opens a session with `payload` and runs `body` over its inputs; every failure to connect or to
    /// stay connected becomes a ``DisconnectReason``.
    private func withConnection(
        device: DeviceCredentials, payload: [UInt8], acceptsRequests: Bool,
        _ body: (WAWebSession, AsyncStream<ConnectionInput>) async throws -> AttemptEnd
    ) async -> AttemptEnd {
        let sessionConfiguration = WAWebSessionConfiguration(
            webSocket: configuration.webSocket, trustedRootKey: configuration.trustedRootKey, noiseKey: device.noiseKey,
            clientPayload: payload, handshakeTimeout: configuration.handshakeTimeout)
        do {
            return try await WAWebSession.withSession(configuration: sessionConfiguration) { session in
                let (inputs, input) = AsyncStream.makeStream(of: ConnectionInput.self)
                if acceptsRequests { shared.withLock { $0.requests = input } }
                defer {
                    if acceptsRequests { shared.withLock { $0.requests = nil } }
                    input.finish()
                    // A request that raced the end of the connection must not wait forever.
                    Self.refuseRemainingRequests(inputs)
                }
                return try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            for try await event in session.events { input.yield(.event(event)) }
                            input.yield(.closed(nil))
                        } catch {
                            input.yield(.closed(error))
                        }
                    }
                    group.addTask {
                        // Ticks drive the machines' deadlines; early ticks are harmless, so a fixed
                        // cadence is simpler than re-arming a timer for every deadline change.
                        while true {
                            try await Task.sleep(for: .milliseconds(250))
                            input.yield(.tick)
                        }
                    }
                    defer { group.cancelAll() }
                    return try await body(session, inputs)
                }
            }
        } catch is CancellationError {
            return .cancelled
        } catch {
            if Task.isCancelled { return .cancelled }
            return .disconnected(Self.disconnectReason(for: error))
        }
    }

    private static func refuseRemainingRequests(_ inputs: AsyncStream<ConnectionInput>) {
        // The stream is finished: draining it only returns what was already buffered.
        Task {
            for await case .pairingCode(_, let reply) in inputs {
                reply.resume(throwing: AccountLinkError("the pairing connection closed; retry in a few seconds"))
            }
        }
    }

    /// Maps a connection error to the reason the reconnect policy understands.
    static func disconnectReason(for error: any Error) -> DisconnectReason {
        switch error {
        case let error as NoiseError:
            return .handshakeFailed(detail: error.description)
        case let error as WAWebSessionError:
            return .handshakeFailed(detail: error.description)
        case let error as WebSocketError:
            return .networkLost(detail: error.description)
        default:
            return .networkLost(detail: "\(error)")
        }
    }

    /// A pairing connection: registration payload, QR codes until the phone scans, pair-success.
    private func pair(
        device: DeviceCredentials, _ pairing: inout PairingStateMachine<ContinuousClock>, _ loop: inout RunState
    ) async -> AttemptEnd {
        let payload: [UInt8]
        do {
            payload = try ClientPayloads.registration(device, identity: configuration.identity).serializedBytes()
        } catch {
            return .failed("cannot build the registration payload: \(error)")
        }
        var machine = pairing
        defer { pairing = machine }
        let end = await withConnection(device: device, payload: payload, acceptsRequests: true) { session, inputs in
            var linkCode: LinkCodeCompanion?
            for await input in inputs {
                let actions: [PairingAction]
                switch input {
                case .event(.node(let node)):
                    if let reason = DisconnectReason(node: node), node.tag != "stream:error" || node.attribute("code") != "515" {
                        return .disconnected(reason)
                    }
                    if node.tag == "notification", node.attribute("type") == LinkCode.Tag.registration {
                        if let end = try await primaryHello(node, &linkCode, &machine, session: session, loop: &loop) { return end }
                        continue
                    }
                    actions = machine.receive(node, at: .now)
                case .event(.undecodableFrame(let error)):
                    logger.warning("undecodable stanza ignored", metadata: ["error": "\(error)"])
                    continue
                case .closed(let error):
                    return .disconnected(error.map(Self.disconnectReason) ?? .serverClosed)
                case .tick:
                    actions = machine.tick(at: .now)
                case .pairingCode(let phoneNumber, let reply):
                    do {
                        var companion = try LinkCodeCompanion(phoneNumber: phoneNumber, credentials: machine.credentials)
                        try companion.receiveHelloResponse(try await session.sendIQ(companion.companionHello, timeout: .seconds(20)))
                        linkCode = companion
                        logger.info("[WhatsApp] pairing code issued; enter it on the phone: Linked Devices > Link a Device > Link with phone number instead")
                        reply.resume(returning: companion.displayCode)
                    } catch let error as LinkCodeError {
                        reply.resume(throwing: AccountLinkError("\(error)"))
                    } catch let error as IQError {
                        reply.resume(throwing: AccountLinkError("the server refused the pairing code request: \(error)"))
                    } catch {
                        reply.resume(throwing: AccountLinkError("the pairing code request failed: \(error)"))
                        throw error
                    }
                    continue
                }
                if let end = try await perform(actions, session: session, loop: &loop) { return end }
            }
            return .cancelled
        }
        if case .disconnected = end { setQR(nil) }
        return end
    }

    /// The phone accepted the typed code (reference §4.4 steps 4–6): ack, derive the new adv secret,
    /// store it, and only then send companion_finish — pair-success is keyed with that secret.
    private func primaryHello(
        _ node: Node, _ linkCode: inout LinkCodeCompanion?, _ machine: inout PairingStateMachine<ContinuousClock>,
        session: WAWebSession, loop: inout RunState
    ) async throws -> AttemptEnd? {
        var ack = Node(tag: "ack", attributes: ["class": "notification", "type": .string(LinkCode.Tag.registration)])
        if let id = node.attribute("id") { ack.attributes["id"] = .string(id) }
        ack.attributes["to"] = node.attributes["from"] ?? .jid(.server)
        try await session.send(ack)
        guard var companion = linkCode else {
            logger.warning("a phone-number pairing notification arrived without a pairing code request; ignored")
            return nil
        }
        let finish: LinkCodeCompanion.Finish
        do {
            finish = try companion.receivePrimaryHello(node)
        } catch {
            logger.warning("the phone's answer to the pairing code does not verify", metadata: ["error": "\(error)"])
            return nil
        }
        linkCode = companion
        var updated = machine.credentials
        updated.advSecret = finish.advSecret
        do {
            try await store.save(updated)
        } catch {
            return .failed("cannot store the keys agreed by phone-number pairing: \(error)")
        }
        loop.stored.device = updated
        machine = PairingStateMachine(credentials: updated, account: id.description, configuration: configuration.qrRotation)
        _ = try await session.sendIQ(finish.companionFinish, timeout: .seconds(20))
        return nil
    }

    /// Performs the pairing machine's actions in order; returns how the connection ends, if it does.
    private func perform(_ actions: [PairingAction], session: WAWebSession, loop: inout RunState) async throws -> AttemptEnd? {
        for action in actions {
            switch action {
            case .send(let node):
                try await session.send(node)
            case .showQR(let text, let expiresIn):
                let now = Date()
                setQR(PairingQR(text: text, shownAt: now, expiresAt: now.addingTimeInterval(expiresIn.seconds)))
                loop.reportPhase()
            case .persist(let device):
                // Before the reply that confirms the link (reference §4.3): a crash after it must not
                // leave a phone-side device this gateway forgot.
                do {
                    try await store.save(device)
                } catch {
                    return .failed("the phone linked this device but it cannot be stored: \(error)")
                }
                setQR(nil)
                logger.info(
                    "[WhatsApp] device linked; logging in",
                    metadata: ["jid": "\(device.jid)", "lid": "\(device.lid?.description ?? "")", "platform": "\(device.platform ?? "")"])
            case .reconnectForNewRefs:
                setQR(nil)
                return .needNewRefs
            case .reconnectAsLogin(let device):
                return .restartAsLogin(device)
            case .giveUp(let reason):
                setQR(nil)
                return .gaveUp(reason)
            case .fail(let reason):
                setQR(nil)
                return .failed(reason)
            }
        }
        return nil
    }

    /// A login connection: `<success>` or `<failure>`, then keepalive until the connection ends.
    private func login(device: DeviceCredentials, paired: PairedDevice, _ loop: inout RunState) async -> AttemptEnd {
        guard let username = UInt64(paired.jid.user) else {
            return .failed("the stored device JID \(paired.jid) has no phone number")
        }
        let payload: [UInt8]
        do {
            payload = try ClientPayloads.login(
                username: username, device: UInt32(paired.jid.device), pushName: nil, identity: configuration.identity
            ).serializedBytes()
        } catch {
            return .failed("cannot build the login payload: \(error)")
        }
        let started = ContinuousClock.now
        var keepalive: KeepaliveStateMachine<ContinuousClock>?
        var signal: WebSignalSession?
        var retries: [String: Int] = [:]
        defer { live.closed() }
        return await withConnection(device: device, payload: payload, acceptsRequests: false) { session, inputs in
            for await input in inputs {
                let now = ContinuousClock.now
                switch input {
                case .event(.node(let node)):
                    keepalive?.frameReceived(at: now)
                    if node.tag == "success", keepalive == nil {
                        keepalive = KeepaliveStateMachine(startingAt: now, configuration: configuration.keepalive)
                        await loggedIn(node, paired: paired, session: session, loop: &loop)
                        signal = await startMessaging(
                            device: device, paired: loop.stored.paired ?? paired, session: session, reporter: loop.reporter)
                        continue
                    }
                    if let reason = DisconnectReason(node: node) { return .disconnected(reason) }
                    if let signal, try await handleMessaging(node, signal: signal, session: session, reporter: loop.reporter, retries: &retries) {
                        continue
                    }
                    try await answer(node, session: session)
                case .event(.undecodableFrame(let error)):
                    keepalive?.frameReceived(at: now)
                    logger.warning("undecodable stanza ignored", metadata: ["error": "\(error)"])
                case .closed(let error):
                    return .disconnected(error.map(Self.disconnectReason) ?? .serverClosed)
                case .tick:
                    guard var machine = keepalive else {
                        if started.duration(to: now) > configuration.loginTimeout { return .disconnected(.timedOut) }
                        continue
                    }
                    let action = machine.tick(at: now)
                    keepalive = machine
                    switch action {
                    case .none:
                        break
                    case .sendPing:
                        try await session.send(
                            Node(
                                tag: "iq",
                                attributes: [
                                    "id": .string(session.generateID()), "xmlns": "w:p", "type": "get", "to": .jid(.server),
                                ],
                                children: [Node(tag: "ping")]))
                    case .declareDead(let reason):
                        logger.warning("[WhatsApp] no answer to keepalive pings; the connection is considered dead")
                        return .disconnected(reason)
                    }
                case .pairingCode(_, let reply):
                    reply.resume(throwing: AccountLinkError("\(id) is already linked"))
                }
            }
            return .cancelled
        }
    }

    /// `<success>` (reference §5.1): clock offset, own LID, the log line users look for, passive IQ.
    private func loggedIn(_ node: Node, paired: PairedDevice, session: WAWebSession, loop: inout RunState) async {
        let offset = node.attribute("t").flatMap(Int64.init).map { $0 - Int64(Date().timeIntervalSince1970) } ?? 0
        var device = paired
        if device.lid == nil, let lidText = node.attribute("lid"), let lid = JID(lidText) {
            // The server names our LID user; our device number is the same as on the PN side.
            device.lid = JID(user: lid.user, device: paired.jid.device, server: .lid)
            do {
                try await store.save(device)
                loop.stored.paired = device
            } catch {
                logger.warning("cannot store the LID the server sent", metadata: ["error": "\(error)"])
            }
        }
        _ = loop.reconnect.connected(at: .now)
        loop.reportPhase()
        logger.info(
            "[WhatsApp] Connected to WhatsApp!",
            metadata: [
                "jid": "\(device.jid)", "lid": "\(device.lid?.description ?? "")", "server_time_offset_s": "\(offset)",
            ])
        // Active, so the server delivers messages (§5.1 step 3). The answer is awaited off the loop.
        Task { [logger] in
            do {
                _ = try await session.sendIQ(
                    Node(
                        tag: "iq", attributes: ["xmlns": "passive", "type": "set", "to": .jid(.server)],
                        children: [Node(tag: "active")]),
                    timeout: .seconds(30))
            } catch let error as WAWebSessionError where error.code == .connectionClosed {
                // The connection ended first; its end is reported by the loop, not here.
                logger.debug("the connection closed before the passive-mode IQ was answered", metadata: ["error": "\(error)"])
            } catch {
                logger.warning("the server did not accept the passive-mode IQ", metadata: ["error": "\(error)"])
            }
        }
    }

    // MARK: - Messaging (reference §5)

    /// After `<success>`: the Signal state from PostgreSQL, then prekeys (812 the first time, topped up
    /// when the server runs low), persisted before they are uploaded. `nil` when the link keeps no
    /// messaging state or it cannot be opened (the account stays connected, and says why in the log).
    private func startMessaging(
        device: DeviceCredentials, paired: PairedDevice, session: WAWebSession, reporter: AccountLinkReporter
    ) async -> WebSignalSession? {
        guard let storage = messagingStorage else { return nil }
        do {
            let sealer = SignalStateSealer(key: try await storage.keys.dataKey(for: id, authDir: authDir), account: id)
            let signal = try await WebSignalSession.open(device: device, paired: paired, sealer: sealer, repository: storage.signalState)
            try await topUpPreKeys(signal, storage: storage, session: session, lease: await reporter.lease())
            live.opened(session, signal: signal, lease: { await reporter.lease() })
            return signal
        } catch {
            logger.error("[WhatsApp] cannot prepare end-to-end encryption; messages cannot be received", metadata: ["error": "\(error)"])
            return nil
        }
    }

    private func topUpPreKeys(_ signal: WebSignalSession, storage: MessagingStorage, session: WAWebSession, lease: AccountLease?) async throws {
        let count = try PreKeyUpload.parseCount(try await session.sendIQ(PreKeyUpload.countRequest(), timeout: .seconds(30)))
        guard let (upload, changes) = try await signal.preKeyUpload(serverCount: count) else { return }
        try await storage.signalState.apply(
            accountID: id.description, upserts: changes.upserts, deletions: changes.deletions, lease: lease)
        _ = try await session.sendIQ(upload.request(), timeout: .seconds(30))
        logger.info("uploaded prekeys", metadata: ["count": "\(upload.preKeys.count)", "server_had": "\(count)"])
    }

    /// Handles messaging stanzas; `false` for anything else.
    private func handleMessaging(
        _ node: Node, signal: WebSignalSession, session: WAWebSession, reporter: AccountLinkReporter, retries: inout [String: Int]
    ) async throws -> Bool {
        switch node.tag {
        case "message":
            try await receive(node, signal: signal, session: session, reporter: reporter, retries: &retries)
            return true
        case "ack" where node.attribute("class") == "message":
            if let ack = try? ServerAck(node) { live.acknowledged(ack) }
            return true
        case "receipt":
            if let receipt = try? IncomingReceipt(node) {
                let status: MessageStatusUpdate.Status? =
                    switch receipt.type {
                    case nil: .delivered
                    case "read", "read-self": .read
                    case "played", "played-self": .played
                    default: nil
                    }
                if let status, receipt.type != "sender" {
                    let time = receipt.timestamp.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? Date()
                    let updates = receipt.messageIDs.map {
                        MessageStatusUpdate(messageID: $0, chat: receipt.from.withoutDevice.description, status: status, timestamp: time)
                    }
                    do { try await reporter.apply(updates) } catch {
                        logger.warning("delivery news not recorded", metadata: ["error": "\(error)"])
                    }
                }
            }
            try await session.send(Receipts.ack(for: node))
            return true
        case "notification":
            try await session.send(Receipts.ack(for: node))
            if node.attribute("type") == "encrypt", let storage = messagingStorage {
                // The server's count of our prekeys changed (usually: running low).
                try? await topUpPreKeys(signal, storage: storage, session: session, lease: await reporter.lease())
            }
            return true
        default:
            return false
        }
    }

    /// One `<message>`: decrypt, store it with the Signal state it advanced in one transaction, and only
    /// then tell WhatsApp it arrived (DESIGN §1). A failed write sends nothing, so WhatsApp delivers it
    /// again, and the Signal state in memory goes back to what was committed.
    private func receive(
        _ node: Node, signal: WebSignalSession, session: WAWebSession, reporter: AccountLinkReporter, retries: inout [String: Int]
    ) async throws {
        let stanza: IncomingMessageStanza
        let decryption: MessageDecryption
        let changes: WebSignalSession.Changes
        let mapping: (lid: JID, pn: JID)?
        do {
            (stanza, decryption, changes, mapping) = try await signal.decrypt(node)
        } catch {
            logger.warning("malformed message stanza acknowledged and dropped", metadata: ["error": "\(error)"])
            try await session.send(Receipts.ack(for: node, error: 400))
            return
        }
        var messages = decryption.contents.compactMap { InboundMessage(stanza: stanza, payload: $0) }
        if decryption.needsRetry && decryption.contents.isEmpty && !decryption.isDuplicate {
            let count = Receipts.nextRetryCount(previous: retries[stanza.id] ?? 0, for: stanza)
            if count <= Receipts.maximumRetries {
                retries[stanza.id] = count
                logger.warning(
                    "message could not be decrypted; asking the sender to send it again",
                    metadata: ["message_id": "\(stanza.id)", "retry": "\(count)", "errors": "\(decryption.failures)"])
                try await session.send(Receipts.retry(for: stanza, count: count, registrationId: await signal.registrationId))
                return
            }
            retries[stanza.id] = nil
            logger.error("message could not be decrypted after every retry; recorded as a failure", metadata: ["message_id": "\(stanza.id)"])
            messages = [
                InboundMessage(
                    id: stanza.id, chat: stanza.chat.withoutDevice.description,
                    sender: MessageSender(jid: stanza.sender.withoutDevice.description, pushName: stanza.pushName),
                    timestamp: stanza.timestamp.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? Date(), fromMe: stanza.isFromMe,
                    content: .unsupported(description: "could not be decrypted: \(decryption.failures.map { "\($0)" }.joined(separator: "; "))"))
            ]
        }
        let accountID = id.description
        let write: InboundCompanionWrite = { connection, _ in
            try SignalStateRepository.apply(connection, accountID: accountID, upserts: changes.upserts, deletions: changes.deletions)
            if let mapping {
                try SignalStateRepository.recordMapping(
                    connection, accountID: accountID, lid: mapping.lid.description, pn: mapping.pn.description)
            }
        }
        do {
            try await reporter.deliver(messages, alsoWrite: write)
        } catch {
            logger.error(
                "message not stored; WhatsApp will deliver it again", metadata: ["message_id": "\(stanza.id)", "error": "\(error)"])
            try? await signal.reload()
            return
        }
        retries[stanza.id] = nil
        try await session.send(Receipts.delivery(for: stanza, active: true))
    }

    /// Answers the server's own requests that need no other part of the gateway.
    private func answer(_ node: Node, session: WAWebSession) async throws {
        if node.tag == "iq", node.attribute("type") == "get", node.attribute("xmlns") == "urn:xmpp:ping",
            let id = node.attribute("id")
        {
            try await session.send(Node(tag: "iq", attributes: ["to": .jid(.server), "type": "result", "id": .string(id)]))
        }
    }

    private func setQR(_ qr: PairingQR?) {
        let changed = shared.withLock { state -> Bool in
            guard state.qr != qr else { return false }
            state.qr = qr
            return true
        }
        if changed { presentQR(id, qr) }
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }

    /// Seconds with one decimal, for logs.
    var secondsText: String { String(format: "%.1f", seconds) }
}
