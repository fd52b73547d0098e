import Foundation
import SwiftProtobuf
import WABinary
import WAProto
import WASignal

/// Builds outgoing `<message>` stanzas (reference §5.6, §5.9): the `Message` padded and encrypted for
/// every device with the account's ``SignalEngine`` — a `pkmsg` where a session is started from a prekey
/// bundle, a `msg` on an answered session — our own other devices getting the `deviceSentMessage` copy,
/// `<device-identity>` when any `pkmsg` is included, and the participant hash.
///
/// Message ids are the caller's (fixed at outbox insert, so a resend is the same message). Device lists
/// come from ``DeviceListQuery`` and bundles from ``PreKeyBundleFetch`` for the devices
/// ``devicesWithoutSession(_:)`` names. A device that cannot be encrypted for is left out and reported in
/// ``OutgoingMessage/failures``; the others still get the message (whatsmeow).
///
/// > Important: Use it only inside the account's isolation domain, and persist
/// > `engine.store.takeChanges()` before sending the stanza.
///
/// ```swift
/// let encryptor = MessageEncryptor(engine: engine, ownDevice: paired.jid, ownLID: paired.lid, deviceIdentity: paired.account)
/// let devices = try DeviceListQuery.parse(try await session.sendIQ(DeviceListQuery.request(users: [to, paired.jid], sid: sid)))
///     .flatMap(\.devices)
/// let missing = encryptor.devicesWithoutSession(devices)
/// let bundles = missing.isEmpty ? [:] : try PreKeyBundleFetch.parse(try await session.sendIQ(PreKeyBundleFetch.request(for: missing)))
///     .compactMapValues { try? $0.get() }
/// let outgoing = try encryptor.directMessage(id: id, to: to, message: message, devices: devices, bundles: bundles)
/// try await session.send(outgoing.node)
/// ```
public struct MessageEncryptor {
    /// The engine whose sessions and sender keys encrypt.
    public let engine: SignalEngine
    /// Our device JID on the phone-number server.
    public var ownDevice: JID
    /// Our LID device JID, when known.
    public var ownLID: JID?
    /// Our serialised `ADVSignedDeviceIdentity` (the stored account), sent with `pkmsg`s.
    public var deviceIdentity: [UInt8]
    /// Phone-number users (no device) mapped to their LID users: sessions with their devices are kept
    /// under the LID address, as the decryptor keeps them (reference §10).
    public var lidMapping: [JID: JID]

    /// An encryptor for our device.
    public init(engine: SignalEngine, ownDevice: JID, ownLID: JID?, deviceIdentity: [UInt8], lidMapping: [JID: JID] = [:]) {
        self.engine = engine
        self.ownDevice = ownDevice
        self.ownLID = ownLID
        self.deviceIdentity = deviceIdentity
        self.lidMapping = lidMapping
    }

    // MARK: - Addresses and sessions

    /// The JID whose Signal address holds the session with `device`: its LID device when mapped.
    public func signalIdentity(for device: JID) -> JID {
        guard device.server == .defaultUser, var lid = lidMapping[device.withoutDevice] else { return device }
        lid.device = device.device
        return lid
    }

    /// The Signal address of the session with `device`.
    /// - Throws: ``MessagingError/Code/malformedStanza`` for a JID without Signal addresses (a group, ...).
    public func address(for device: JID) throws -> SignalAddress {
        let identity = signalIdentity(for: device)
        do {
            return try SignalAddress(user: identity.user, server: identity.server.rawValue, device: identity.device)
        } catch {
            throw MessagingError(.malformedStanza, "\(device) has no Signal address")
        }
    }

    /// The devices among `devices` (our own device excepted) we have no session with: fetch their bundles.
    public func devicesWithoutSession(_ devices: [JID]) -> [JID] {
        devices.filter { device in
            guard !isOwnDevice(device), let address = try? address(for: device) else { return false }
            return !engine.hasSession(with: address)
        }
    }

    // MARK: - 1:1

    /// A 1:1 message: `<message id type to=CHAT [edit]><participants><to jid=DEVICE><enc v="2" type=…/></to>…
    /// </participants>[<device-identity/>]</message>`.
    /// - Parameters:
    ///   - id: the message id.
    ///   - chat: the recipient user (no device).
    ///   - message: the content.
    ///   - devices: every device of the recipient and of our own user (usync); ours is skipped, our other
    ///     devices get the `deviceSentMessage` copy.
    ///   - bundles: prekey bundles, by device JID, for devices without a session.
    /// - Throws: ``MessagingError/Code/invalidProtobuf`` when the message cannot be serialised.
    public func directMessage(id: String, to chat: JID, message: WAE2E_Message, devices: [JID], bundles: [JID: PreKeyBundle] = [:]) throws
        -> OutgoingMessage
    {
        let plaintext = try serialize(message)
        let deviceSent = try serialize(MessagePayload.deviceSent(message, destination: chat.withoutDevice))
        var encAttributes: Node.Attributes = [:]
        if let mediaType = MessagePayload.mediaType(of: message) { encAttributes["mediatype"] = .string(mediaType) }
        if MessagePayload.hidesDecryptFailure(message) { encAttributes["decrypt-fail"] = "hide" }
        let fanOut = encrypt(for: devices, bundles: bundles, encAttributes: encAttributes) { device in
            isOwnUser(device) ? deviceSent : plaintext
        }
        var attributes: Node.Attributes = [
            "id": .string(id), "type": .string(MessagePayload.stanzaType(of: message)), "to": .jid(chat.withoutDevice),
        ]
        if let edit = MessagePayload.editAttribute(of: message) { attributes["edit"] = .string(edit) }
        var children = [Node(tag: "participants", children: fanOut.nodes)]
        if fanOut.preKey { children.append(Node(tag: "device-identity", content: .bytes(deviceIdentity))) }
        return OutgoingMessage(
            node: Node(tag: "message", attributes: attributes, children: children), phash: ParticipantHash.v2(devices),
            recipients: fanOut.recipients, failures: fanOut.failures, includesPreKeyMessage: fanOut.preKey)
    }

    // MARK: - Groups

    /// A group message: the content encrypted once with our sender key (`skmsg`), and our sender key
    /// distribution message encrypted pairwise for the devices that lack it:
    /// `<message id type to=GROUP phash [addressing_mode]>[<participants>…</participants>]<enc v="2"
    /// type="skmsg"/>[<device-identity/>]</message>`.
    /// - Parameters:
    ///   - id: the message id.
    ///   - group: the group JID.
    ///   - message: the content.
    ///   - devices: every participant device (usync over the participants, our own user included);
    ///     hosted devices and our own device are skipped.
    ///   - devicesWithSenderKey: devices known to hold our current sender key (they get no distribution).
    ///   - bundles: prekey bundles, by device JID, for devices without a session.
    ///   - addressingMode: the group's addressing mode, echoed as `addressing_mode` when given.
    /// - Returns: the stanza; ``OutgoingMessage/recipients`` are the devices that got the distribution now.
    /// - Throws: ``MessagingError/Code/encryptionFailed`` when our sender key cannot be made or used,
    ///   ``MessagingError/Code/invalidProtobuf`` when the message cannot be serialised.
    public func groupMessage(
        id: String, to group: JID, message: WAE2E_Message, devices: [JID], devicesWithSenderKey: Set<JID> = [],
        bundles: [JID: PreKeyBundle] = [:], addressingMode: IncomingMessageStanza.AddressingMode? = nil
    ) throws -> OutgoingMessage {
        let members = devices.filter { $0.server != .hosted && $0.server != .hostedLID }
        // Our sender key is named by our LID when we have one (whatsmeow), so all our devices agree.
        let sender = try address(for: ownLID ?? ownDevice)
        let name = SenderKeyName(groupId: group.description, sender: sender)
        let distribution: [UInt8]
        let skmsg: [UInt8]
        do {
            // The distribution first: it carries the chain before this message, so it opens this message too.
            distribution = try engine.senderKeyDistributionMessage(for: name)
            skmsg = try engine.groupEncrypt(try WhatsAppPadding.add(to: try serialize(message)), as: name)
        } catch let error as SignalError {
            throw MessagingError(.encryptionFailed, "cannot encrypt with our sender key for \(group): \(error)", signalError: error)
        }
        let distributionPlaintext = try serialize(MessagePayload.senderKeyDistribution(group: group, distributionMessage: distribution))
        let needing = members.filter { !devicesWithSenderKey.contains($0) }
        let fanOut = encrypt(for: needing, bundles: bundles, encAttributes: [:]) { _ in distributionPlaintext }

        let phash = ParticipantHash.v2(members)
        var attributes: Node.Attributes = [
            "id": .string(id), "type": .string(MessagePayload.stanzaType(of: message)), "to": .jid(group), "phash": .string(phash),
        ]
        if let edit = MessagePayload.editAttribute(of: message) { attributes["edit"] = .string(edit) }
        if let addressingMode { attributes["addressing_mode"] = .string(addressingMode.rawValue) }
        var enc: Node.Attributes = ["v": "2", "type": "skmsg"]
        if let mediaType = MessagePayload.mediaType(of: message) { enc["mediatype"] = .string(mediaType) }
        if MessagePayload.hidesDecryptFailure(message) { enc["decrypt-fail"] = "hide" }
        var children: [Node] = []
        if !fanOut.nodes.isEmpty { children.append(Node(tag: "participants", children: fanOut.nodes)) }
        children.append(Node(tag: "enc", attributes: enc, content: .bytes(skmsg)))
        if fanOut.preKey { children.append(Node(tag: "device-identity", content: .bytes(deviceIdentity))) }
        return OutgoingMessage(
            node: Node(tag: "message", attributes: attributes, children: children), phash: phash, recipients: fanOut.recipients,
            failures: fanOut.failures, includesPreKeyMessage: fanOut.preKey)
    }

    // MARK: - Per-device encryption

    private struct FanOut {
        var nodes: [Node] = []
        var recipients: [JID] = []
        var failures: [JID: MessagingError] = [:]
        var preKey = false
    }

    /// `<to jid=DEVICE><enc v="2" type=…>` for every device but ours.
    private func encrypt(
        for devices: [JID], bundles: [JID: PreKeyBundle], encAttributes: Node.Attributes, plaintext: (JID) -> [UInt8]
    ) -> FanOut {
        var fanOut = FanOut()
        var seen = Set<JID>()
        for device in devices where !isOwnDevice(device) && seen.insert(device).inserted {
            do {
                let ciphertext = try encrypt(plaintext(device), for: device, bundle: bundles[device])
                var attributes: Node.Attributes = ["v": "2", "type": .string(ciphertext.kind.rawValue)]
                for (key, value) in encAttributes { attributes[key] = value }
                fanOut.nodes.append(
                    Node(
                        tag: "to", attributes: ["jid": .jid(device)],
                        children: [Node(tag: "enc", attributes: attributes, content: .bytes(ciphertext.bytes))]))
                fanOut.recipients.append(device)
                if ciphertext.kind == .pkmsg { fanOut.preKey = true }
            } catch let error as MessagingError {
                fanOut.failures[device] = error
            } catch {
                fanOut.failures[device] = MessagingError(.encryptionFailed, "\(error)")
            }
        }
        return fanOut
    }

    private func encrypt(_ plaintext: [UInt8], for device: JID, bundle: PreKeyBundle?) throws -> SignalCiphertext {
        let address = try address(for: device)
        do {
            if !engine.hasSession(with: address) {
                guard let bundle else { throw MessagingError(.noSession, "no session with \(device) and no prekey bundle") }
                try engine.processPreKeyBundle(bundle, for: address)
            }
            return try engine.encrypt(try WhatsAppPadding.add(to: plaintext), to: address)
        } catch let error as SignalError {
            throw MessagingError(.encryptionFailed, "cannot encrypt for \(device): \(error)", signalError: error)
        }
    }

    private func serialize(_ message: WAE2E_Message) throws -> [UInt8] {
        do {
            return try message.serializedBytes()
        } catch {
            throw MessagingError(.invalidProtobuf, "the message cannot be serialised: \(error)")
        }
    }

    private func isOwnDevice(_ jid: JID) -> Bool {
        (jid.user == ownDevice.user && jid.server == ownDevice.server && jid.device == ownDevice.device)
            || (ownLID.map { jid.user == $0.user && jid.server == $0.server && jid.device == $0.device } ?? false)
    }

    private func isOwnUser(_ jid: JID) -> Bool {
        jid.user == ownDevice.user || jid.user == ownLID?.user
    }
}
