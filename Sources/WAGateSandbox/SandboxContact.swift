import Foundation
import WABinary
import WAProto
import WASignal
import WAWeb

/// A simulated WhatsApp user's primary phone (device 0) in the sandbox, with its own Signal identity:
/// it sends encrypted messages to accounts (to every device of the account's user, linked companions
/// included) and keeps what it receives, decrypted. The phone of a linked account is one too: it gets
/// the copies the account's companions send to their own other devices.
///
/// It uses the same messaging code as the gateway (`MessageEncryptor`, `MessageDecryptor`), so what it
/// sends is what a real peer sends: usync device list, prekey bundles for new sessions, `pkmsg` then
/// `msg`, padding.
///
/// ```swift
/// let bob = try sandbox.contact(phone: "+15550002222", name: "Bob")
/// let id = try await bob.send(text: "hello", to: "+15550001111")
/// let received = await bob.inbox()
/// ```
public actor SandboxContact {
    /// The phone number, `+` and digits.
    public nonisolated let phone: String
    /// The user JID on the phone-number server (also the primary device's JID).
    public nonisolated let jid: JID
    /// The user's LID.
    public nonisolated let lid: JID
    /// The push name sent with its messages.
    public nonisolated let name: String
    /// The keys it published (registration id, identity, signed prekey, one-time prekeys).
    nonisolated let publishedKeys: PreKeyUpload

    /// One-time prekeys generated at creation; the sandbox hands one out per new session.
    static let preKeyCount = 100

    private let engine: SignalEngine
    private weak var server: SandboxServer?
    private var received: [SandboxInboxMessage] = []
    private var receipts: [String: [String]] = [:]
    private var failures = 0

    /// Creates the phone's Signal state.
    init(digits: String, lid: String, name: String, server: SandboxServer) throws {
        phone = "+" + digits
        jid = JID(user: digits, server: .defaultUser)
        self.lid = JID(user: lid, server: .lid)
        self.name = name
        self.server = server
        let context = try SignalContext()
        let identity = try context.generateIdentityKeyPair()
        let store = SignalStore(identity: identity, registrationId: try context.generateRegistrationId())
        let signed = try context.generateSignedPreKey(id: 1, identity: identity)
        let preKeys = try context.generatePreKeys(startingAt: 1, count: Self.preKeyCount)
        store.storeSignedPreKey(signed)
        store.storePreKeys(preKeys)
        _ = store.takeChanges()
        engine = try SignalEngine(store: store, context: context)
        publishedKeys = PreKeyUpload(
            registrationId: store.registrationId, identityKey: identity.publicKey, preKeys: preKeys, signedPreKey: signed)
    }

    // MARK: - Sending

    /// Sends a text to a user: encrypted for each of the user's devices (its phone and linked companions).
    /// - Parameters:
    ///   - text: the text.
    ///   - phone: the recipient's number (`+` and digits).
    /// - Returns: the message id.
    /// - Throws: ``SandboxError`` when the number is malformed, the sandbox is gone, or no device of the
    ///   recipient could be encrypted for.
    @discardableResult
    public func send(text: String, to phone: String) async throws -> String {
        let digits = try SandboxServer.digits(phone)
        guard let server else { throw SandboxError("the sandbox server is gone") }
        let recipient = JID(user: digits, server: .defaultUser)
        let devices = server.devices(of: [recipient, jid])
        let encryptor = MessageEncryptor(engine: engine, ownDevice: jid, ownLID: nil, deviceIdentity: [])
        let bundles = server.takeBundles(for: encryptor.devicesWithoutSession(devices))
        var message = WAE2E_Message()
        message.conversation = text
        let id = Self.messageID()
        let outgoing: OutgoingMessage
        do {
            outgoing = try encryptor.directMessage(id: id, to: recipient, message: message, devices: devices, bundles: bundles)
        } catch {
            throw SandboxError("cannot encrypt for \(phone): \(error)")
        }
        // The state is in memory only: drop the change log the store keeps for persisting callers.
        _ = engine.store.takeChanges()
        guard !outgoing.recipients.isEmpty else { throw SandboxError("\(phone) has no device this phone can encrypt for") }
        await server.route(outgoing.node, from: jid)
        return id
    }

    // MARK: - Receiving

    /// What the phone received and could decrypt, oldest first.
    public func inbox() -> [SandboxInboxMessage] { received }

    /// The devices that sent a delivery receipt (or another receipt type, as `device type`) for a message
    /// this phone sent.
    public func receipts(for messageID: String) -> [String] { receipts[messageID] ?? [] }

    /// How many `<message>` stanzas failed to decrypt.
    public func undecryptableCount() -> Int { failures }

    /// A `<message>` routed to this phone: decrypted into the inbox, then a delivery receipt.
    func receive(_ node: Node) async {
        guard let stanza = try? IncomingMessageStanza(node, ownJID: jid, ownLID: lid) else {
            failures += 1
            return
        }
        // The sandbox routes by phone-number JIDs, so sessions are kept under the address messages come from.
        let decryption = MessageDecryptor(engine: engine, prefersLIDAddresses: false).decrypt(stanza)
        _ = engine.store.takeChanges()
        guard decryption.failures.isEmpty || !decryption.payloads.isEmpty else {
            failures += 1
            return
        }
        for payload in decryption.contents {
            let content = payload.message.content
            let chat = payload.message.destination ?? stanza.chat
            received.append(
                SandboxInboxMessage(
                    id: stanza.id, from: stanza.sender.withoutDevice.description, device: stanza.sender.description,
                    chat: chat.withoutDevice.description, text: Self.text(of: content), kind: Self.kind(of: content),
                    timestamp: stanza.timestamp ?? 0, fromMe: stanza.isFromMe))
        }
        await server?.routeReceipt(Receipts.delivery(for: stanza, active: true), from: jid)
    }

    /// A receipt for a message this phone sent.
    func noteReceipt(for messageID: String, from device: JID, type: String?) {
        receipts[messageID, default: []].append(type.map { "\(device) \($0)" } ?? device.description)
    }

    // MARK: - Helpers

    /// `3EB0` and 18 upper-case hex digits, the shape of WhatsApp Web ids.
    static func messageID() -> String {
        "3EB0" + (0..<9).map { _ in String(format: "%02X", UInt8.random(in: 0...255)) }.joined()
    }

    private static func text(of message: WAE2E_Message) -> String? {
        if message.hasConversation { return message.conversation }
        if message.hasExtendedTextMessage { return message.extendedTextMessage.text }
        if message.hasImageMessage, message.imageMessage.hasCaption { return message.imageMessage.caption }
        if message.hasVideoMessage, message.videoMessage.hasCaption { return message.videoMessage.caption }
        if message.hasDocumentMessage, message.documentMessage.hasCaption { return message.documentMessage.caption }
        if message.hasReactionMessage { return message.reactionMessage.text }
        return nil
    }

    private static func kind(of message: WAE2E_Message) -> String {
        if message.hasConversation || message.hasExtendedTextMessage { return "text" }
        if message.hasReactionMessage { return "reaction" }
        return MessagePayload.mediaType(of: message) != nil ? "media" : "other"
    }
}
