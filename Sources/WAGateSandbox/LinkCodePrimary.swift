import Foundation
import WABinary
import WAGateCrypto
import WAWeb

/// The phone's side of phone-number pairing (reference §4.4), as a pure value for the sandbox server:
/// the server gives it the companion's stanzas and the code "typed on the phone", and sends what it
/// returns. It shares its definitions (``LinkCode``) with the companion, `WAWeb.LinkCodeCompanion`.
///
/// ```swift
/// // <iq xmlns="md"><link_code_companion_reg stage="companion_hello"> arrives:
/// var phone = try LinkCodePrimary(companionHello: iq, identityKey: phoneIdentity)
/// send(phone.helloResult(id: iq.attribute("id")!))                  // carries the ref
/// // the user types the code shown by the companion:
/// send(try phone.enterCode(typedCode, notificationID: nextID()))    // primary_hello notification
/// // <iq xmlns="md"><link_code_companion_reg stage="companion_finish"> arrives:
/// let linked = try phone.receiveCompanionFinish(finishIQ)
/// send(phone.finishResult(id: finishIQ.attribute("id")!))
/// // then pair-success for linked.companionIdentityKey, its HMAC keyed with linked.advSecret.
/// ```
///
/// A wrong code cannot be refused when it is typed: the companion's key is only AES-CTR encrypted, and
/// any 32 bytes decrypt to some public key. The two sides then derive different bundle keys, and the
/// mistake shows in ``receiveCompanionFinish(_:)`` as ``LinkCodeError`` `.undecryptable`.
public struct LinkCodePrimary: Sendable {
    /// Where the exchange stands.
    public enum Phase: Sendable, Equatable {
        /// companion_hello was read; waiting for the user to type the code.
        case awaitingCode
        /// primary_hello was built; waiting for companion_finish.
        case awaitingFinish
        /// The companion proved it knew the code; pair-success may be sent.
        case finished
    }

    /// What the phone learns from a successful exchange: enough to send a normal pair-success.
    public struct Linked: Sendable {
        /// The secret both sides derived; it keys pair-success's HMAC (reference §4.3 step 2).
        public var advSecret: SecretBytes
        /// The companion's identity public key (the key the account signature covers).
        public var companionIdentityKey: [UInt8]
        /// The companion's Noise static public key (from companion_hello), which identifies it at login.
        public var companionNoiseKey: [UInt8]
        /// The account's phone number, digits only.
        public var phoneNumber: String
    }

    /// The account's phone number from companion_hello's `jid`, digits only.
    public let phoneNumber: String
    /// The companion's Noise static public key.
    public let companionNoiseKey: [UInt8]
    /// The companion's platform code ("1" Chrome).
    public let platformID: String
    /// The companion's platform as shown on the phone ("Chrome (Linux)").
    public let platformDisplay: String
    /// The ref this exchange is known by.
    public let ref: [UInt8]
    /// Where the exchange stands.
    public private(set) var phase: Phase = .awaitingCode

    private let wrappedCompanionEphemeral: [UInt8]
    private let identityKey: Curve25519.KeyPair
    private let iterations: Int
    private var ephemeral: Curve25519.KeyPair?
    private var companionEphemeral: [UInt8]?

    /// Reads companion_hello.
    /// - Parameters:
    ///   - iq: the whole `<iq type="set" xmlns="md">` stanza.
    ///   - identityKey: the phone's identity key pair (the account signature key of pair-success).
    ///   - ref: the pairing ref to hand out; `nil` draws a random printable one.
    /// - Throws: ``LinkCodeError`` `.malformedNode`, `.unexpectedStage`, `.invalidPhoneNumber`, `.wrongSize`.
    public init(companionHello iq: Node, identityKey: Curve25519.KeyPair, ref: [UInt8]? = nil) throws {
        try self.init(companionHello: iq, identityKey: identityKey, ref: ref, iterations: LinkCode.iterations)
    }

    /// The designated initialiser; tests lower `iterations` to keep PBKDF2 cheap.
    init(companionHello iq: Node, identityKey: Curve25519.KeyPair, ref: [UInt8]?, iterations: Int) throws {
        let registration = try Self.registration(in: iq, stage: LinkCode.Tag.companionHelloStage)
        guard let jid = registration.jidAttribute("jid") ?? registration.attribute("jid").flatMap({ JID($0) }),
            jid.server == .defaultUser
        else {
            throw LinkCodeError(.malformedNode, "companion_hello has no jid=\"<digits>@s.whatsapp.net\"")
        }
        let digits = try LinkCode.phoneNumberDigits(jid.user)
        let wrapped = try LinkCode.childBytes(registration, LinkCode.Tag.wrappedCompanionEphemeral)
        guard wrapped.count == LinkCode.wrappedKeyCount else {
            throw LinkCodeError(
                .wrongSize, "<\(LinkCode.Tag.wrappedCompanionEphemeral)> is \(wrapped.count) bytes, not \(LinkCode.wrappedKeyCount)")
        }
        let noiseKey = try LinkCode.childBytes(registration, LinkCode.Tag.companionNoiseKey)
        guard noiseKey.count == Curve25519.keyCount else {
            throw LinkCodeError(.wrongSize, "<\(LinkCode.Tag.companionNoiseKey)> is \(noiseKey.count) bytes, not \(Curve25519.keyCount)")
        }
        guard let platformID = registration.child(LinkCode.Tag.platformID)?.contentText,
            let platformDisplay = registration.child(LinkCode.Tag.platformDisplay)?.contentText
        else {
            throw LinkCodeError(.malformedNode, "companion_hello lacks <\(LinkCode.Tag.platformID)> or <\(LinkCode.Tag.platformDisplay)>")
        }
        guard registration.child(LinkCode.Tag.nonce) != nil else {
            throw LinkCodeError(.malformedNode, "companion_hello lacks <\(LinkCode.Tag.nonce)>")
        }
        self.phoneNumber = digits
        self.companionNoiseKey = noiseKey
        self.platformID = platformID
        self.platformDisplay = platformDisplay
        // Real refs are printable ASCII; base64 of random bytes looks the same to the companion.
        self.ref = try ref ?? Array(Data(LinkCode.systemRandom(12)).base64EncodedString().utf8)
        self.wrappedCompanionEphemeral = wrapped
        self.identityKey = identityKey
        self.iterations = iterations
    }

    /// `<iq type="result" from="s.whatsapp.net" id=ID><link_code_companion_reg><link_code_pairing_ref>REF…`,
    /// the server's answer to companion_hello.
    public func helloResult(id: String) -> Node {
        Node(
            tag: "iq", attributes: ["from": .jid(.server), "type": "result", "id": .string(id)],
            children: [Node(tag: LinkCode.Tag.registration, children: [Node(tag: LinkCode.Tag.ref, content: .bytes(ref))])])
    }

    /// `<iq type="result" from="s.whatsapp.net" id=ID/>`, the server's answer to companion_finish.
    public func finishResult(id: String) -> Node {
        Node(tag: "iq", attributes: ["from": .jid(.server), "type": "result", "id": .string(id)])
    }

    /// The user typed `typed` on the phone: unwraps the companion's ephemeral key with it and builds
    /// the primary_hello notification.
    /// - Parameters:
    ///   - typed: the code as typed (`ABCD-EFGH`, case and separators do not matter).
    ///   - notificationID: the notification's `id`.
    /// - Returns: `<notification type="link_code_companion_reg" from="s.whatsapp.net" id=…>`.
    /// - Throws: ``LinkCodeError`` `.invalidCode` for something that is not a code at all (a
    ///   well-formed wrong code is only detected by ``receiveCompanionFinish(_:)``); `.unexpectedStage`
    ///   if a code was already entered; `.cryptoFailure`.
    public mutating func enterCode(_ typed: String, notificationID: String) throws -> Node {
        try enterCode(typed, notificationID: notificationID, random: LinkCode.systemRandom)
    }

    /// ``enterCode(_:notificationID:)`` with randomness from `random`: draws 32 bytes for the ephemeral
    /// private key, 32 for the salt and 16 for the IV, in this order.
    public mutating func enterCode(_ typed: String, notificationID: String, random: (Int) throws -> [UInt8]) throws -> Node {
        guard phase == .awaitingCode else {
            throw LinkCodeError(.unexpectedStage, "a code was already entered for this pairing ref")
        }
        let code = try LinkCode.normalizedCode(typed)
        let companionEphemeral = try LinkCode.unwrap(
            wrappedCompanionEphemeral, code: code, what: "<\(LinkCode.Tag.wrappedCompanionEphemeral)>", iterations: iterations)
        var privateKey = try LinkCode.draw(Curve25519.keyCount, from: random)
        defer { SecretBytes.wipe(&privateKey) }
        let ephemeral = try LinkCode.keyPair(privateKey: privateKey)
        let salt = try LinkCode.draw(LinkCode.saltCount, from: random)
        let iv = try LinkCode.draw(AESCTR.ivCount, from: random)
        let wrapped = try LinkCode.wrap(publicKey: ephemeral.publicKey, code: code, salt: salt, iv: iv, iterations: iterations)
        self.ephemeral = ephemeral
        self.companionEphemeral = companionEphemeral
        phase = .awaitingFinish
        return Node(
            tag: "notification",
            attributes: ["type": .string(LinkCode.Tag.registration), "from": .jid(.server), "id": .string(notificationID)],
            children: [
                Node(
                    tag: LinkCode.Tag.registration, attributes: ["stage": .string(LinkCode.Tag.primaryHelloStage)],
                    children: [
                        Node(tag: LinkCode.Tag.ref, content: .bytes(ref)),
                        Node(tag: LinkCode.Tag.wrappedPrimaryEphemeral, content: .bytes(wrapped)),
                        Node(tag: LinkCode.Tag.primaryIdentity, content: .bytes(identityKey.publicKey)),
                    ])
            ])
    }

    /// Reads companion_finish: opens the key bundle, checks the identity keys in it, and derives the
    /// adv secret the companion derived.
    ///
    /// A failure leaves the exchange waiting for companion_finish, so the sandbox decides whether to
    /// give up (a real phone shows "couldn't link device" and the companion must start over).
    /// - Throws: ``LinkCodeError`` `.undecryptable` when the bundle does not authenticate (a wrong code
    ///   was typed, or the bundle was altered); `.identityMismatch`; `.refMismatch`; `.wrongSize`;
    ///   `.malformedNode`; `.unexpectedStage` before a code was entered or after finishing.
    public mutating func receiveCompanionFinish(_ iq: Node) throws -> Linked {
        guard phase == .awaitingFinish, let ephemeral, let companionEphemeral else {
            throw LinkCodeError(
                .unexpectedStage,
                phase == .finished ? "companion_finish arrived twice" : "companion_finish arrived before the code was typed on the phone")
        }
        let registration = try Self.registration(in: iq, stage: LinkCode.Tag.companionFinishStage)
        guard try LinkCode.childBytes(registration, LinkCode.Tag.ref) == ref else {
            throw LinkCodeError(.refMismatch, "companion_finish is for another pairing ref than this exchange's")
        }
        let companionIdentity = try LinkCode.childBytes(registration, LinkCode.Tag.companionIdentity)
        guard companionIdentity.count == Curve25519.keyCount else {
            throw LinkCodeError(
                .wrongSize, "<\(LinkCode.Tag.companionIdentity)> is \(companionIdentity.count) bytes, not \(Curve25519.keyCount)")
        }
        let wrapped = try LinkCode.childBytes(registration, LinkCode.Tag.wrappedKeyBundle)
        guard wrapped.count == LinkCode.wrappedBundleCount else {
            throw LinkCodeError(
                .wrongSize,
                "<\(LinkCode.Tag.wrappedKeyBundle)> is \(wrapped.count) bytes, not \(LinkCode.wrappedBundleCount) (salt ‖ nonce ‖ bundle ‖ tag)")
        }
        let salt = Array(wrapped[0..<LinkCode.saltCount])
        let nonce = Array(wrapped[LinkCode.saltCount..<LinkCode.saltCount + AESGCM.nonceCount])
        let sealed = Array(wrapped[(LinkCode.saltCount + AESGCM.nonceCount)...])

        let ephemeralSecret = try LinkCode.sharedSecret(
            privateKey: ephemeral.privateKey, publicKey: companionEphemeral, what: "the companion's ephemeral key")
        let bundleKey = try LinkCode.bundleKey(ephemeralSecret: ephemeralSecret, salt: salt)
        var bundle: [UInt8]
        do {
            bundle = try AESGCM.open(sealed, key: bundleKey, nonce: nonce)
        } catch let error as CryptoError where error.code == .authenticationFailed {
            // The only place a wrong code becomes visible: each side unwrapped a wrong ephemeral key.
            throw LinkCodeError(
                .undecryptable,
                "the companion's key bundle does not decrypt: the code typed on the phone was most likely wrong (or the bundle was altered)")
        } catch let error as CryptoError {
            throw LinkCodeError(.cryptoFailure, "opening the key bundle failed: \(error.message)")
        }
        defer { SecretBytes.wipe(&bundle) }
        guard bundle.count == LinkCode.bundlePlaintextCount else {
            throw LinkCodeError(.wrongSize, "the key bundle holds \(bundle.count) bytes, not \(LinkCode.bundlePlaintextCount)")
        }
        guard Array(bundle[0..<32]) == companionIdentity else {
            throw LinkCodeError(.identityMismatch, "the key bundle names another companion identity key than <\(LinkCode.Tag.companionIdentity)>")
        }
        guard Array(bundle[32..<64]) == identityKey.publicKey else {
            throw LinkCodeError(.identityMismatch, "the key bundle names another primary identity key than this phone's")
        }
        var advRandom = Array(bundle[64..<96])
        defer { SecretBytes.wipe(&advRandom) }
        let identitySecret = try LinkCode.sharedSecret(
            privateKey: identityKey.privateKey, publicKey: companionIdentity, what: "the companion's identity key")
        let advSecret = try LinkCode.advSecret(ephemeralSecret: ephemeralSecret, identitySecret: identitySecret, random: advRandom)
        phase = .finished
        return Linked(
            advSecret: advSecret, companionIdentityKey: companionIdentity, companionNoiseKey: companionNoiseKey, phoneNumber: phoneNumber)
    }

    /// The `<link_code_companion_reg stage=STAGE>` inside `<iq type="set" xmlns="md">`.
    private static func registration(in iq: Node, stage: String) throws -> Node {
        guard iq.tag == "iq", iq.attribute("type") == "set", iq.attribute("xmlns") == "md" else {
            throw LinkCodeError(.malformedNode, "expected <iq type=\"set\" xmlns=\"md\"> for \(stage), got <\(iq.tag)>")
        }
        guard let registration = iq.child(LinkCode.Tag.registration) else {
            throw LinkCodeError(.malformedNode, "the \(stage) IQ has no <\(LinkCode.Tag.registration)>")
        }
        let found = registration.attribute("stage") ?? ""
        guard found == stage else {
            throw LinkCodeError(.unexpectedStage, "expected stage \"\(stage)\", got \"\(found)\"")
        }
        return registration
    }
}
