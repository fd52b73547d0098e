import Foundation
import SwiftProtobuf
import WABinary
import WAProto
import WASignal

/// Decrypts the `<enc>` children of a `<message>` with an account's ``SignalEngine`` (reference §5.3,
/// §5.4, §6): `pkmsg` and `msg` pairwise, `skmsg` with the sender's key for the group; removes the
/// WhatsApp padding, decodes the `Message` protobuf, installs a carried sender key distribution, and
/// unwraps `deviceSentMessage` and the future-proof wrappers.
///
/// Pairwise `<enc>`s are decrypted before `skmsg`s, each group in document order, so the sender key a
/// `pkmsg` distributes is installed before the group message that needs it; results are reported in
/// document order. Every failure is a value in the result, never a trap: malformed ciphertexts, unknown
/// `<enc>` types and versions, bad padding and non-protobuf plaintexts included.
///
/// > Important: Like the engine, use it only inside the account's isolation domain. Persist
/// > `engine.store.takeChanges()` together with the decrypted contents before acknowledging.
///
/// ```swift
/// let stanza = try IncomingMessageStanza(node, ownJID: paired.jid, ownLID: paired.lid)
/// let decryption = MessageDecryptor(engine: engine).decrypt(stanza)
/// try await store(decryption.contents, engine.store.takeChanges())
/// try await session.send(Receipts.delivery(for: stanza, active: true))
/// ```
public struct MessageDecryptor {
    /// The engine whose sessions and sender keys decrypt.
    public let engine: SignalEngine
    /// Whether to decrypt with the sender's LID address when the stanza names it (whatsmeow does, §10);
    /// false keeps the address the message came from.
    public var prefersLIDAddresses: Bool

    /// A decryptor on `engine`.
    public init(engine: SignalEngine, prefersLIDAddresses: Bool = true) {
        self.engine = engine
        self.prefersLIDAddresses = prefersLIDAddresses
    }

    /// Decrypts every `<enc>` of `stanza`.
    public func decrypt(_ stanza: IncomingMessageStanza) -> MessageDecryption {
        let identity = stanza.signalIdentity(prefersLID: prefersLIDAddresses)
        let address: SignalAddress
        do {
            address = try SignalAddress(user: identity.user, server: identity.server.rawValue, device: identity.device)
        } catch {
            let failure = MessagingError(.unsupportedEncryption, "\(identity) has no Signal address")
            return MessageDecryption(
                stanza: stanza,
                parts: stanza.encrypted.enumerated().map { .init(index: $0.offset, type: $0.element.type, result: .failure(failure)) })
        }
        var results: [Int: Result<DecryptedPayload, MessagingError>] = [:]
        let pairwiseFirst = stanza.encrypted.enumerated().sorted { lhs, rhs in
            let left = lhs.element.type == "skmsg" ? 1 : 0
            let right = rhs.element.type == "skmsg" ? 1 : 0
            return left == right ? lhs.offset < rhs.offset : left < right
        }
        for (index, enc) in pairwiseFirst {
            results[index] = Result { try decrypt(enc, of: stanza, from: address) }.mapError { error in
                error as? MessagingError ?? MessagingError(.decryptionFailed, "\(error)")
            }
        }
        return MessageDecryption(
            stanza: stanza,
            parts: stanza.encrypted.enumerated().map { index, enc in
                Part(index: index, type: enc.type, result: results[index] ?? .failure(MessagingError(.decryptionFailed, "not attempted")))
            })
    }

    private typealias Part = MessageDecryption.Part

    private func decrypt(_ enc: IncomingMessageStanza.Encrypted, of stanza: IncomingMessageStanza, from address: SignalAddress) throws
        -> DecryptedPayload
    {
        guard enc.version == 2 else {
            throw MessagingError(.unsupportedEncryption, "<enc v=\"\(enc.version)\"> of \(stanza.id) is not supported")
        }
        var consumedPreKeyId: UInt32?
        var identityChange: IdentityChange?
        let padded: [UInt8]
        switch enc.type {
        case "pkmsg", "msg":
            let kind: SignalCiphertext.Kind = enc.type == "pkmsg" ? .pkmsg : .msg
            let decrypted = try signal("\(enc.type) of \(stanza.id) from \(address)") {
                try engine.decrypt(SignalCiphertext(kind: kind, bytes: enc.ciphertext), from: address)
            }
            padded = decrypted.plaintext
            consumedPreKeyId = decrypted.consumedPreKeyId
            identityChange = decrypted.identityChange
        case "skmsg":
            guard stanza.isGroup else {
                throw MessagingError(.malformedStanza, "skmsg in \(stanza.id), which is not a group or broadcast message")
            }
            let name = SenderKeyName(groupId: stanza.chat.description, sender: address)
            padded = try signal("skmsg of \(stanza.id) from \(name)") { try engine.groupDecrypt(enc.ciphertext, from: name) }
        default:
            throw MessagingError(.unsupportedEncryption, "<enc type=\"\(enc.type)\"> of \(stanza.id) is not supported")
        }

        let plaintext: [UInt8]
        do {
            plaintext = try WhatsAppPadding.remove(from: padded)
        } catch {
            throw MessagingError(.invalidPadding, "the plaintext of \(stanza.id) has no valid padding")
        }
        let message: WAE2E_Message
        do {
            message = try WAE2E_Message(serializedBytes: plaintext)
        } catch {
            throw MessagingError(.invalidProtobuf, "the plaintext of \(stanza.id) is not a Message: \(error)")
        }

        var installed: SenderKeyName?
        if message.hasSenderKeyDistributionMessage, !message.senderKeyDistributionMessage.groupID.isEmpty {
            let distribution = message.senderKeyDistributionMessage
            let name = SenderKeyName(groupId: distribution.groupID, sender: address)
            // A bad distribution message only costs the group messages that need it (they fail and
            // ask for a retry); the pairwise content stays valid.
            if (try? engine.processSenderKeyDistributionMessage(Array(distribution.axolotlSenderKeyDistributionMessage), from: name)) != nil {
                installed = name
            }
        }
        return DecryptedPayload(
            message: UnwrappedMessage(message), sender: address, consumedPreKeyId: consumedPreKeyId, identityChange: identityChange,
            installedSenderKey: installed)
    }

    /// Runs a Signal operation, mapping its errors: a duplicate is `.duplicate`, anything else `.decryptionFailed`.
    private func signal<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SignalError {
            if error == .duplicateMessage { throw MessagingError(.duplicate, "\(what) was already decrypted", signalError: error) }
            throw MessagingError(.decryptionFailed, "\(what): \(error)", signalError: error)
        }
    }
}
