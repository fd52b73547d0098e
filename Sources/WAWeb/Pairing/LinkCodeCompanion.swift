import WABinary
import WAGateCrypto

/// The companion's side of phone-number pairing (reference §4.4), as a pure value: it builds the
/// stanzas and does the cryptography; the shell sends, receives and stores.
///
/// The sequence, on a connection made with the registration payload (the QR refs that still arrive
/// are ignored, but pairing must finish within their ≈160 s window):
///
/// ```swift
/// var link = try LinkCodeCompanion(phoneNumber: "+15550001111", credentials: credentials)
/// show(link.displayCode)                                         // "ABCD-EFGH", typed on the phone
/// try link.receiveHelloResponse(try await session.sendIQ(link.companionHello))
/// // ... later, on <notification type="link_code_companion_reg">:
/// let finish = try link.receivePrimaryHello(notification)
/// credentials.advSecret = finish.advSecret                       // persist before sending
/// _ = try await session.sendIQ(finish.companionFinish)
/// // then pair-success arrives and is handled as for a QR (PairSuccess, with the new adv secret).
/// ```
public struct LinkCodeCompanion: Sendable {
    /// Where the exchange stands.
    public enum Phase: Sendable, Equatable {
        /// `companionHello` is to be sent; its result carries the ref.
        case awaitingRef
        /// The server gave the ref; waiting for the phone's `primary_hello` notification.
        case awaitingPrimaryHello(ref: [UInt8])
        /// `companion_finish` was built; pair-success follows.
        case finished
    }

    /// What the companion sends and keeps once the phone answered.
    public struct Finish: Sendable {
        /// `<iq type="set" xmlns="md"><link_code_companion_reg stage="companion_finish">…` to send.
        public var companionFinish: Node
        /// The adv secret that replaces the stored one: pair-success's HMAC is keyed with it, so it
        /// must be stored (and used) before pair-success arrives.
        public var advSecret: SecretBytes
    }

    /// The account's phone number, digits only (`15550001111`).
    public let phoneNumber: String
    /// The linking code, eight characters of ``LinkCode/alphabet``.
    public let code: String
    /// The code as shown to the user, `XXXX-XXXX`.
    public var displayCode: String { LinkCode.displayed(code) }
    /// The platform code sent to the phone ("1" Chrome).
    public let platformID: String
    /// The platform as the phone shows it; the server refuses (400) anything but "Browser (OS)" with
    /// names it knows.
    public let platformDisplay: String
    /// Where the exchange stands.
    public private(set) var phase: Phase = .awaitingRef
    /// The `companion_hello` IQ, without an `id` (`WAWebSession.sendIQ` assigns one).
    public let companionHello: Node

    private let ephemeral: Curve25519.KeyPair
    private let identityKey: Curve25519.KeyPair
    private let iterations: Int

    /// Starts an exchange with fresh randomness from the system.
    /// - Parameters:
    ///   - phoneNumber: the account's number as `+15550001111` (see ``LinkCode/phoneNumberDigits(_:)``).
    ///   - credentials: the device's keys; the noise key goes into `companion_hello`, the identity key
    ///     into `companion_finish`. They must be persisted already, as for a QR (reference §4.1).
    ///   - platformID: the companion platform code ("1" Chrome).
    ///   - platformDisplay: "Browser (OS)".
    /// - Throws: ``LinkCodeError`` `.invalidPhoneNumber`, or `.cryptoFailure`.
    public init(
        phoneNumber: String, credentials: DeviceCredentials, platformID: String = "1", platformDisplay: String = "Chrome (Linux)"
    ) throws {
        try self.init(
            phoneNumber: phoneNumber, credentials: credentials, platformID: platformID, platformDisplay: platformDisplay,
            random: LinkCode.systemRandom)
    }

    /// Starts an exchange drawing its randomness from `random` (tests pass a deterministic source).
    ///
    /// Draws, in this order: 5 bytes for the code, 32 for the ephemeral private key, 32 for the salt
    /// and 16 for the IV.
    public init(
        phoneNumber: String, credentials: DeviceCredentials, platformID: String = "1", platformDisplay: String = "Chrome (Linux)",
        random: (Int) throws -> [UInt8]
    ) throws {
        try self.init(
            phoneNumber: phoneNumber, credentials: credentials, platformID: platformID, platformDisplay: platformDisplay,
            iterations: LinkCode.iterations, random: random)
    }

    /// The designated initialiser; tests lower `iterations` to keep PBKDF2 cheap.
    init(
        phoneNumber: String, credentials: DeviceCredentials, platformID: String, platformDisplay: String, iterations: Int,
        random: (Int) throws -> [UInt8]
    ) throws {
        let digits = try LinkCode.phoneNumberDigits(phoneNumber)
        var entropy = try LinkCode.draw(LinkCode.codeEntropyCount, from: random)
        defer { SecretBytes.wipe(&entropy) }
        let code = LinkCode.code(entropy: entropy)
        var privateKey = try LinkCode.draw(Curve25519.keyCount, from: random)
        defer { SecretBytes.wipe(&privateKey) }
        let ephemeral = try LinkCode.keyPair(privateKey: privateKey)
        let salt = try LinkCode.draw(LinkCode.saltCount, from: random)
        let iv = try LinkCode.draw(AESCTR.ivCount, from: random)
        let wrapped = try LinkCode.wrap(publicKey: ephemeral.publicKey, code: code, salt: salt, iv: iv, iterations: iterations)

        self.phoneNumber = digits
        self.code = code
        self.platformID = platformID
        self.platformDisplay = platformDisplay
        self.ephemeral = ephemeral
        self.identityKey = credentials.identityKey
        self.iterations = iterations
        self.companionHello = Self.iq(
            Node(
                tag: LinkCode.Tag.registration,
                attributes: [
                    "jid": .jid(JID(user: digits, server: .defaultUser)), "stage": .string(LinkCode.Tag.companionHelloStage),
                    "should_show_push_notification": "true",
                ],
                children: [
                    Node(tag: LinkCode.Tag.wrappedCompanionEphemeral, content: .bytes(wrapped)),
                    Node(tag: LinkCode.Tag.companionNoiseKey, content: .bytes(credentials.noiseKey.publicKey)),
                    Node(tag: LinkCode.Tag.platformID, content: .string(platformID)),
                    Node(tag: LinkCode.Tag.platformDisplay, content: .string(platformDisplay)),
                    // One binary zero byte, as whatsmeow sends it (Baileys' "0" string means the same to the server).
                    Node(tag: LinkCode.Tag.nonce, content: .bytes([0])),
                ]))
    }

    /// Reads the ref from the result of ``companionHello``.
    /// - Parameter response: the `type="result"` IQ (`sendIQ` throws `IQError` for an error response,
    ///   e.g. 400 for a platform display the server does not accept).
    /// - Throws: ``LinkCodeError`` `.unexpectedStage` if a ref was already read; `.malformedNode`
    ///   without `<link_code_companion_reg><link_code_pairing_ref>`.
    public mutating func receiveHelloResponse(_ response: Node) throws {
        guard phase == .awaitingRef else {
            throw LinkCodeError(.unexpectedStage, "the companion_hello result was already read; this exchange is past it")
        }
        guard response.tag == "iq", response.attribute("type") == "result" else {
            throw LinkCodeError(
                .malformedNode, "expected <iq type=\"result\"> for companion_hello, got <\(response.tag) type=\"\(response.attribute("type") ?? "")\">")
        }
        guard let registration = response.child(LinkCode.Tag.registration) else {
            throw LinkCodeError(.malformedNode, "the companion_hello result has no <\(LinkCode.Tag.registration)>")
        }
        let ref = try LinkCode.childBytes(registration, LinkCode.Tag.ref)
        guard !ref.isEmpty else { throw LinkCodeError(.malformedNode, "the companion_hello result has an empty <\(LinkCode.Tag.ref)>") }
        phase = .awaitingPrimaryHello(ref: ref)
    }

    /// Handles the phone's `primary_hello` notification: unwraps its ephemeral key, encrypts the key
    /// bundle and derives the new adv secret (reference §4.4 step 5).
    ///
    /// A failure leaves the exchange where it was, so a stray or forged notification does not end it.
    /// A wrong code typed on the phone cannot be seen here (AES-CTR authenticates nothing); the phone
    /// notices it when the bundle does not decrypt, and no pair-success comes.
    /// - Parameter notification: the whole `<notification type="link_code_companion_reg">`.
    /// - Returns: the `companion_finish` IQ (without an `id`) and the new adv secret.
    /// - Throws: ``LinkCodeError``: `.unexpectedStage` before the ref or after finishing; `.malformedNode`;
    ///   `.refMismatch`; `.wrongSize`; `.cryptoFailure`.
    public mutating func receivePrimaryHello(_ notification: Node) throws -> Finish {
        try receivePrimaryHello(notification, random: LinkCode.systemRandom)
    }

    /// ``receivePrimaryHello(_:)`` with randomness from `random`: draws 32 bytes of bundle salt, 12 of
    /// nonce and 32 of adv random, in this order.
    public mutating func receivePrimaryHello(_ notification: Node, random: (Int) throws -> [UInt8]) throws -> Finish {
        guard case .awaitingPrimaryHello(let ref) = phase else {
            throw LinkCodeError(
                .unexpectedStage,
                phase == .finished
                    ? "primary_hello arrived after companion_finish was built" : "primary_hello arrived before the companion_hello result gave a ref")
        }
        guard notification.tag == "notification", notification.attribute("type") == LinkCode.Tag.registration,
            let registration = notification.child(LinkCode.Tag.registration)
        else {
            throw LinkCodeError(
                .malformedNode, "expected <notification type=\"\(LinkCode.Tag.registration)\"><\(LinkCode.Tag.registration)>, got <\(notification.tag)>")
        }
        if let stage = registration.attribute("stage"), stage != LinkCode.Tag.primaryHelloStage {
            throw LinkCodeError(.unexpectedStage, "expected stage \"\(LinkCode.Tag.primaryHelloStage)\", got \"\(stage)\"")
        }
        let theirRef = try LinkCode.childBytes(registration, LinkCode.Tag.ref)
        guard theirRef == ref else {
            throw LinkCodeError(.refMismatch, "primary_hello is for another pairing ref than the one the server gave this exchange")
        }
        let primaryIdentity = try LinkCode.childBytes(registration, LinkCode.Tag.primaryIdentity)
        guard primaryIdentity.count == Curve25519.keyCount else {
            throw LinkCodeError(.wrongSize, "<\(LinkCode.Tag.primaryIdentity)> is \(primaryIdentity.count) bytes, not \(Curve25519.keyCount)")
        }
        let primaryEphemeral = try LinkCode.unwrap(
            LinkCode.childBytes(registration, LinkCode.Tag.wrappedPrimaryEphemeral), code: code,
            what: "<\(LinkCode.Tag.wrappedPrimaryEphemeral)>", iterations: iterations)

        let ephemeralSecret = try LinkCode.sharedSecret(
            privateKey: ephemeral.privateKey, publicKey: primaryEphemeral, what: "the phone's ephemeral key")
        let salt = try LinkCode.draw(LinkCode.saltCount, from: random)
        let nonce = try LinkCode.draw(AESGCM.nonceCount, from: random)
        var advRandom = try LinkCode.draw(32, from: random)
        defer { SecretBytes.wipe(&advRandom) }
        let bundleKey = try LinkCode.bundleKey(ephemeralSecret: ephemeralSecret, salt: salt)
        var bundle = identityKey.publicKey + primaryIdentity + advRandom
        defer { SecretBytes.wipe(&bundle) }
        let sealed = try LinkCode.crypto("encrypting the key bundle") { try AESGCM.seal(bundle, key: bundleKey, nonce: nonce) }
        let identitySecret = try LinkCode.sharedSecret(
            privateKey: identityKey.privateKey, publicKey: primaryIdentity, what: "the phone's identity key")
        let advSecret = try LinkCode.advSecret(ephemeralSecret: ephemeralSecret, identitySecret: identitySecret, random: advRandom)

        let finish = Self.iq(
            Node(
                tag: LinkCode.Tag.registration,
                attributes: [
                    "jid": .jid(JID(user: phoneNumber, server: .defaultUser)), "stage": .string(LinkCode.Tag.companionFinishStage),
                ],
                children: [
                    Node(tag: LinkCode.Tag.wrappedKeyBundle, content: .bytes(salt + nonce + sealed)),
                    Node(tag: LinkCode.Tag.companionIdentity, content: .bytes(identityKey.publicKey)),
                    Node(tag: LinkCode.Tag.ref, content: .bytes(ref)),
                ]))
        phase = .finished
        return Finish(companionFinish: finish, advSecret: advSecret)
    }

    /// `<iq to="s.whatsapp.net" type="set" xmlns="md">` around `child`.
    private static func iq(_ child: Node) -> Node {
        Node(tag: "iq", attributes: ["to": .jid(.server), "type": "set", "xmlns": "md"], children: [child])
    }
}
