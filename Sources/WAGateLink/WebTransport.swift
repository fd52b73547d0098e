import Foundation
import Synchronization
import WABinary
import WAGateCore
import WAGateStore
import WAProto
import WASignal
import WAWeb

/// The outbox's way out for a WhatsApp Web account: device lists (usync), prekey bundles for devices
/// without a session, per-device encryption, the `<message>` stanza, then the server's ack.
///
/// It works on whatever connection the link has open right now (``WebLiveConnection``); with none, the
/// send is retried later. The Signal state the encryption advanced is committed before the stanza
/// leaves, so a crash never makes the gateway reuse a message key.
struct WebTransport: MessageTransport {
    let live: WebLiveConnection
    let repository: SignalStateRepository
    let account: AccountID

    func send(_ message: OutboundMessage, id: String) async throws -> String {
        guard let (session, signal) = live.current else {
            throw SendError(.retry(after: .seconds(2)), description: "WhatsApp Web is not connected right now")
        }
        guard let chat = JID(message.chat) else {
            throw SendError(.rejected, description: "\(message.chat) is not a WhatsApp address")
        }
        guard chat.server != .group else {
            throw SendError(.rejected, description: "sending to groups over WhatsApp Web is not available in this build")
        }
        do {
            let lists = try DeviceListQuery.parse(
                try await session.sendIQ(
                    DeviceListQuery.request(users: [chat.withoutDevice, signal.ownJID.withoutDevice], sid: session.generateID()),
                    timeout: .seconds(20)))
            let devices = lists.flatMap(\.devices)
            let missing = await signal.devicesWithoutSession(devices)
            var bundles: [JID: PreKeyBundle] = [:]
            if !missing.isEmpty {
                let fetched = try PreKeyBundleFetch.parse(try await session.sendIQ(PreKeyBundleFetch.request(for: missing), timeout: .seconds(20)))
                bundles = fetched.compactMapValues { try? $0.get() }
            }
            let (outgoing, changes) = try await signal.encrypt(
                id: id, to: chat.withoutDevice, message: Self.proto(message, ownJID: signal.ownJID), devices: devices, bundles: bundles)
            if outgoing.recipients.isEmpty {
                throw SendError(.rejected, description: "no device of \(chat.withoutDevice) could be encrypted for: \(outgoing.failures)")
            }
            try await repository.apply(
                accountID: account.description, upserts: changes.upserts, deletions: changes.deletions, lease: await live.lease())
            let ack = try await live.sendAwaitingAck(outgoing.node, id: id, session: session, timeout: .seconds(30))
            if let code = ack.error {
                throw SendError(
                    code == 429 ? .throttleAccount(pause: .seconds(30)) : .rejected,
                    failure: SendFailure(code: code, title: "WhatsApp refused the message"),
                    description: "WhatsApp answered the message with error \(code)")
            }
            return id
        } catch let error as SendError {
            throw error
        } catch let error as StoreError where error.code == .staleFence {
            throw SendError(.accountFailed(reason: "another gateway process took over this account (its lease was lost)"), description: "\(error)")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw SendError(.retry(after: nil), description: "sending over WhatsApp Web failed: \(error)")
        }
    }

    func markRead(_ message: InboundMessage) async throws {
        guard let (session, _) = live.current, let chat = JID(message.chat) else { return }
        let sender = message.isGroup ? JID(message.sender.jid) : nil
        try await session.send(
            Receipts.read(
                messageIDs: [message.id], chat: chat, sender: sender, timestamp: UInt64(max(0, Date().timeIntervalSince1970))))
    }

    func showTyping(replyingTo message: InboundMessage) async throws {
        guard let (session, _) = live.current, let chat = JID(message.chat) else { return }
        try await session.send(Node(tag: "chatstate", attributes: ["to": .jid(chat)], children: [Node(tag: "composing")]))
    }

    /// The protobuf message for an outbound message.
    static func proto(_ message: OutboundMessage, ownJID: JID) -> WAE2E_Message {
        var proto = WAE2E_Message()
        switch message.content {
        case .text(let text, _):
            if let replyTo = message.replyTo {
                var extended = WAE2E_ExtendedTextMessage()
                extended.text = text
                var context = WAE2E_ContextInfo()
                context.stanzaID = replyTo
                extended.contextInfo = context
                proto.extendedTextMessage = extended
            } else {
                proto.conversation = text
            }
        case .reaction(let messageID, let emoji):
            var reaction = WAE2E_ReactionMessage()
            var key = WACommon_MessageKey()
            key.remoteJid = message.chat
            key.fromMe = false
            key.id = messageID
            reaction.key = key
            reaction.text = emoji
            reaction.senderTimestampMs = Int64(Date().timeIntervalSince1970 * 1000)
            proto.reactionMessage = reaction
        }
        return proto
    }
}

/// The connection a WhatsApp Web link has open right now, shared with its transport: the session, the
/// Signal state, and the sends waiting for the server's ack.
final class WebLiveConnection: Sendable {
    private struct State {
        var session: WAWebSession?
        var signal: WebSignalSession?
        var lease: (@Sendable () async -> AccountLease?)?
        var waiting: [String: CheckedContinuation<ServerAck, any Error>] = [:]
    }

    private let state = Mutex(State())

    /// The open session and its Signal state, when logged in.
    var current: (WAWebSession, WebSignalSession)? {
        state.withLock { state in
            guard let session = state.session, let signal = state.signal else { return nil }
            return (session, signal)
        }
    }

    /// A login completed on `session`; `lease` names the account's current lease for fenced writes.
    func opened(_ session: WAWebSession, signal: WebSignalSession, lease: @escaping @Sendable () async -> AccountLease?) {
        state.withLock {
            $0.session = session
            $0.signal = signal
            $0.lease = lease
        }
    }

    /// The account's lease now (`nil` without leases).
    func lease() async -> AccountLease? {
        guard let provider = state.withLock({ $0.lease }) else { return nil }
        return await provider()
    }

    /// The connection ended: sends waiting for an ack will be retried.
    func closed() {
        let waiting = state.withLock { state -> [CheckedContinuation<ServerAck, any Error>] in
            state.session = nil
            state.signal = nil
            defer { state.waiting.removeAll() }
            return Array(state.waiting.values)
        }
        // Not a cancellation: the send is retried on the next connection (same id, so not duplicated).
        for continuation in waiting {
            continuation.resume(throwing: AccountLinkError("the connection closed before WhatsApp acknowledged the message"))
        }
    }

    /// Hands the server's `<ack class="message">` to the send waiting for it.
    func acknowledged(_ ack: ServerAck) {
        let continuation = state.withLock { $0.waiting.removeValue(forKey: ack.id) }
        continuation?.resume(returning: ack)
    }

    /// Sends `node` and waits for the server's ack of message `id`.
    func sendAwaitingAck(_ node: Node, id: String, session: WAWebSession, timeout: Duration) async throws -> ServerAck {
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            let continuation = self?.state.withLock { $0.waiting.removeValue(forKey: id) }
            continuation?.resume(throwing: AccountLinkError("WhatsApp did not acknowledge message \(id) within \(timeout)"))
        }
        defer { timer.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            state.withLock { $0.waiting[id] = continuation }
            Task {
                do { try await session.send(node) } catch {
                    let waiting = self.state.withLock { $0.waiting.removeValue(forKey: id) }
                    waiting?.resume(throwing: error)
                }
            }
        }
    }
}
