import Foundation
import WABinary
import WAGateCore
import WAGateStore
import WAProto
import WASignal
import WAWeb

/// An account's Signal state while it is logged in: the engine (identity, sessions, prekeys, sender keys)
/// restored from PostgreSQL, confined to this actor because the library's objects are not thread-safe.
///
/// Every operation returns the sealed rows it changed; the caller writes them in the same transaction as
/// the message that caused them (inbound) or before the message leaves (outbound), so the ratchet in
/// memory never runs ahead of what is committed for long. When a durable write fails, ``reload()``
/// brings the memory back to the database.
actor WebSignalSession {
    typealias Changes = (upserts: [SignalStateRow], deletions: [(kind: String, key: String)])

    private var engine: SignalEngine
    private let device: DeviceCredentials
    private let sealer: SignalStateSealer
    private let repository: SignalStateRepository
    let ownJID: JID
    let ownLID: JID?
    let deviceIdentity: [UInt8]
    /// Phone-number user → LID user, as WhatsApp revealed them; sessions live under the LID.
    private var lidMapping: [JID: JID]

    private init(
        engine: SignalEngine, device: DeviceCredentials, sealer: SignalStateSealer, repository: SignalStateRepository, paired: PairedDevice,
        lidMapping: [JID: JID]
    ) {
        self.engine = engine
        self.device = device
        self.sealer = sealer
        self.repository = repository
        self.ownJID = paired.jid
        self.ownLID = paired.lid
        self.deviceIdentity = paired.account
        self.lidMapping = lidMapping
    }

    /// Opens the state of a logged-in device.
    static func open(
        device: DeviceCredentials, paired: PairedDevice, sealer: SignalStateSealer, repository: SignalStateRepository
    ) async throws -> WebSignalSession {
        let engine = try await load(device: device, sealer: sealer, repository: repository)
        var mapping: [JID: JID] = [:]
        for (lid, pn) in try await repository.mappings(accountID: sealer.account.description) {
            if let lidJID = JID(lid), let pnJID = JID(pn) { mapping[pnJID] = lidJID }
        }
        return WebSignalSession(
            engine: engine, device: device, sealer: sealer, repository: repository, paired: paired, lidMapping: mapping)
    }

    private static func load(device: DeviceCredentials, sealer: SignalStateSealer, repository: SignalStateRepository) async throws
        -> SignalEngine
    {
        let store = try device.makeSignalStore()
        try sealer.restore(try await repository.load(accountID: sealer.account.description), into: store)
        _ = store.takeChanges()
        return try SignalEngine(store: store)
    }

    /// Throws away the state in memory and reads it again from the database.
    func reload() async throws {
        engine = try await Self.load(device: device, sealer: sealer, repository: repository)
    }

    var registrationId: UInt32 { engine.store.registrationId }

    /// New one-time prekeys when the server holds too few (812 the first time, 50 as a top-up), stored
    /// in memory; `nil` when none are needed. The caller persists the changes, then uploads.
    func preKeyUpload(serverCount: Int) throws -> (upload: PreKeyUpload, changes: Changes)? {
        let wanted = PreKeyUpload.keysToUpload(serverCount: serverCount, uploadedLocally: engine.store.preKeyIds.count)
        guard wanted > 0 else { return nil }
        let start = engine.store.preKeyIds.max().map(PreKeyRecord.nextId(after:)) ?? 1
        let preKeys = try engine.context.generatePreKeys(startingAt: start, count: wanted)
        engine.store.storePreKeys(preKeys)
        guard let signed = engine.store.signedPreKey(id: device.signedPreKey.id) else {
            throw AccountLinkError("the device's signed prekey is missing from its Signal store")
        }
        let upload = PreKeyUpload(
            registrationId: engine.store.registrationId, identityKey: engine.store.identityKeyPair.publicKey, preKeys: preKeys,
            signedPreKey: signed)
        return (upload, try sealer.seal(engine.store.takeChanges()))
    }

    /// Decrypts an incoming `<message>`; also learns the sender's LID ↔ phone-number pair when given.
    func decrypt(_ node: Node) throws -> (stanza: IncomingMessageStanza, decryption: MessageDecryption, changes: Changes, mapping: (lid: JID, pn: JID)?) {
        let stanza = try IncomingMessageStanza(node, ownJID: ownJID, ownLID: ownLID)
        let decryption = MessageDecryptor(engine: engine).decrypt(stanza)
        var mapping: (lid: JID, pn: JID)?
        if let lid = stanza.senderLID, stanza.sender.server == .defaultUser {
            mapping = (lid.withoutDevice, stanza.sender.withoutDevice)
        } else if let pn = stanza.senderPN, stanza.sender.server == .lid {
            mapping = (stanza.sender.withoutDevice, pn.withoutDevice)
        }
        if let mapping { lidMapping[mapping.pn] = mapping.lid }
        return (stanza, decryption, try sealer.seal(engine.store.takeChanges()), mapping)
    }

    /// Devices (of `devices`) we have no session with yet: their prekey bundles must be fetched.
    func devicesWithoutSession(_ devices: [JID]) -> [JID] {
        encryptor.devicesWithoutSession(devices)
    }

    /// Encrypts a 1:1 message for every device (ours included, as a device-sent copy).
    func encrypt(id: String, to chat: JID, message: WAE2E_Message, devices: [JID], bundles: [JID: PreKeyBundle]) throws
        -> (outgoing: OutgoingMessage, changes: Changes)
    {
        let outgoing = try encryptor.directMessage(id: id, to: chat, message: message, devices: devices, bundles: bundles)
        return (outgoing, try sealer.seal(engine.store.takeChanges()))
    }

    private var encryptor: MessageEncryptor {
        MessageEncryptor(engine: engine, ownDevice: ownJID, ownLID: ownLID, deviceIdentity: deviceIdentity, lidMapping: lidMapping)
    }
}
