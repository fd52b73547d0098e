import WABinary
import WAGateCrypto

/// The pieces of phone-number pairing (reference §4.4) that the companion and the phone share: the
/// linking code's alphabet, the code-keyed wrapping of ephemeral public keys, the key-bundle and adv
/// secret derivations, and the element names.
///
/// Public so that the sandbox's simulated phone (`WAGateSandbox.LinkCodePrimary`) runs the same
/// definitions as ``LinkCodeCompanion``; the round-trip test between the two checks they agree, and
/// the known-answer tests check them against an independent implementation.
public enum LinkCode {
    /// The linking code's base32 alphabet: digits and capitals without `0`, `I`, `O` and `U`, so that
    /// nothing the user reads off the screen is ambiguous.
    public static let alphabet: [UInt8] = Array("123456789ABCDEFGHJKLMNPQRSTVWXYZ".utf8)
    /// Random bytes behind one code: 40 bits are exactly eight base32 characters.
    public static let codeEntropyCount = 5
    /// Characters in a code.
    public static let codeCount = 8
    /// PBKDF2 iterations that stretch the code (2 << 16, as the phone expects).
    public static let iterations = 131_072
    /// Salt bytes of a wrapped key.
    public static let saltCount = 32
    /// `salt ‖ iv ‖ AES-CTR(key)`: 32 + 16 + 32 bytes.
    public static let wrappedKeyCount = saltCount + AESCTR.ivCount + Curve25519.keyCount
    /// Bytes of the key bundle's plaintext: companion identity ‖ primary identity ‖ adv random.
    public static let bundlePlaintextCount = 3 * 32
    /// `salt ‖ nonce ‖ AES-GCM(bundle)`: 32 + 12 + 96 + 16 bytes.
    public static let wrappedBundleCount = saltCount + AESGCM.nonceCount + bundlePlaintextCount + AESGCM.tagCount
    /// HKDF info of the key that encrypts the bundle.
    public static let bundleKeyInfo = "link_code_pairing_key_bundle_encryption_key"
    /// HKDF info of the new adv secret.
    public static let advSecretInfo = "adv_secret"

    /// Element and attribute values of the exchange.
    public enum Tag {
        /// The element inside the IQs and the notification, and the notification's `type`.
        public static let registration = "link_code_companion_reg"
        /// The companion's first IQ.
        public static let companionHelloStage = "companion_hello"
        /// The notification after the code was typed on the phone.
        public static let primaryHelloStage = "primary_hello"
        /// The companion's last IQ.
        public static let companionFinishStage = "companion_finish"
        /// The ref the server hands out for this exchange.
        public static let ref = "link_code_pairing_ref"
        /// The companion's wrapped ephemeral public key.
        public static let wrappedCompanionEphemeral = "link_code_pairing_wrapped_companion_ephemeral_pub"
        /// The companion's Noise static public key.
        public static let companionNoiseKey = "companion_server_auth_key_pub"
        /// The companion's platform code ("1" Chrome, ...).
        public static let platformID = "companion_platform_id"
        /// The companion's platform as "Browser (OS)".
        public static let platformDisplay = "companion_platform_display"
        /// One byte, 00.
        public static let nonce = "link_code_pairing_nonce"
        /// The phone's wrapped ephemeral public key.
        public static let wrappedPrimaryEphemeral = "link_code_pairing_wrapped_primary_ephemeral_pub"
        /// The phone's identity public key.
        public static let primaryIdentity = "primary_identity_pub"
        /// The companion's encrypted key bundle.
        public static let wrappedKeyBundle = "link_code_pairing_wrapped_key_bundle"
        /// The companion's identity public key.
        public static let companionIdentity = "companion_identity_public"
    }

    // MARK: - Phone numbers and codes

    /// The digits of a phone number given in international form, e.g. `+15550001111` → `15550001111`.
    ///
    /// The leading `+` is optional; nothing else but digits is accepted, so that a typo is refused
    /// here instead of asking the server to push a code to somebody else's phone.
    /// - Throws: ``LinkCodeError`` `.invalidPhoneNumber` saying what is wrong.
    public static func phoneNumberDigits(_ text: String) throws -> String {
        let trimmed = text.hasPrefix("+") ? Substring(text.dropFirst()) : Substring(text)
        guard !trimmed.isEmpty else {
            throw LinkCodeError(.invalidPhoneNumber, "phone number \"\(text)\" is empty; give it as +<country code><number>, e.g. +15550001111")
        }
        guard trimmed.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw LinkCodeError(
                .invalidPhoneNumber, "phone number \"\(text)\" may contain only digits after the +; give it as e.g. +15550001111")
        }
        guard (7...15).contains(trimmed.utf8.count) else {
            throw LinkCodeError(
                .invalidPhoneNumber,
                "phone number \"\(text)\" has \(trimmed.utf8.count) digits; an international number has 7 to 15, country code included")
        }
        guard trimmed.first != "0" else {
            throw LinkCodeError(
                .invalidPhoneNumber, "phone number \"\(text)\" starts with 0; give it with its country code instead of a trunk prefix")
        }
        return String(trimmed)
    }

    /// The eight-character code of five random bytes: base32 over ``alphabet``, most significant bits first.
    /// - Precondition: `entropy` has exactly ``codeEntropyCount`` bytes.
    public static func code(entropy: [UInt8]) -> String {
        precondition(entropy.count == codeEntropyCount, "a linking code takes \(codeEntropyCount) random bytes")
        let bits = entropy.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let characters = (0..<codeCount).map { i in alphabet[Int(bits >> UInt64(35 - 5 * i) & 0x1f)] }
        return String(decoding: characters, as: UTF8.self)
    }

    /// The code as shown to the user: `XXXX-XXXX`.
    public static func displayed(_ code: String) -> String {
        guard code.count == codeCount else { return code }
        return "\(code.prefix(4))-\(code.suffix(4))"
    }

    /// A code as a person typed it: separators (`-`, spaces) dropped and letters upper-cased.
    /// - Throws: ``LinkCodeError`` `.invalidCode` unless eight characters of ``alphabet`` remain.
    public static func normalizedCode(_ typed: String) throws -> String {
        let kept = typed.uppercased().utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: " ") }
        guard kept.count == codeCount, kept.allSatisfy({ alphabet.contains($0) }) else {
            throw LinkCodeError(
                .invalidCode, "a linking code is \(codeCount) characters of \(String(decoding: alphabet, as: UTF8.self)) (shown as XXXX-XXXX)")
        }
        return String(decoding: kept, as: UTF8.self)
    }

    // MARK: - Cryptography

    /// Hides a 32-byte public key under the code: `salt ‖ iv ‖ AES-256-CTR(PBKDF2(code, salt), iv, key)`.
    /// - Parameters:
    ///   - publicKey: the 32-byte ephemeral public key.
    ///   - code: the canonical 8-character code (ASCII is the PBKDF2 password).
    ///   - salt: 32 random bytes.
    ///   - iv: 16 random bytes.
    ///   - iterations: PBKDF2 iterations; only tests pass anything but ``iterations``.
    /// - Returns: ``wrappedKeyCount`` bytes.
    /// - Throws: ``LinkCodeError`` `.wrongSize` or `.cryptoFailure`.
    public static func wrap(publicKey: [UInt8], code: String, salt: [UInt8], iv: [UInt8], iterations: Int = iterations) throws -> [UInt8] {
        guard publicKey.count == Curve25519.keyCount, salt.count == saltCount, iv.count == AESCTR.ivCount else {
            throw LinkCodeError(
                .wrongSize,
                "wrapping takes a 32-byte key, 32-byte salt and 16-byte IV, not \(publicKey.count), \(salt.count) and \(iv.count) bytes")
        }
        return try crypto("wrapping the ephemeral key under the code") {
            let key = try PBKDF2.sha256(password: Array(code.utf8), salt: salt, iterations: iterations, length: AESCTR.keyCount)
            return salt + iv + (try AESCTR.encrypt(publicKey, key: key, iv: iv))
        }
    }

    /// Recovers a public key hidden by ``wrap(publicKey:code:salt:iv:iterations:)``.
    ///
    /// AES-CTR authenticates nothing: with a wrong code this returns 32 wrong bytes, not an error.
    /// The mistake shows only when the phone opens the companion's key bundle (AES-GCM), whose key
    /// then differs on the two sides.
    /// - Parameter what: names the element, for the error message.
    /// - Throws: ``LinkCodeError`` `.wrongSize` unless `wrapped` is ``wrappedKeyCount`` bytes; `.cryptoFailure`.
    public static func unwrap(_ wrapped: [UInt8], code: String, what: String, iterations: Int = iterations) throws -> [UInt8] {
        guard wrapped.count == wrappedKeyCount else {
            throw LinkCodeError(.wrongSize, "\(what) is \(wrapped.count) bytes; a wrapped key is \(wrappedKeyCount) (salt ‖ iv ‖ key)")
        }
        let salt = Array(wrapped[0..<saltCount])
        let iv = Array(wrapped[saltCount..<saltCount + AESCTR.ivCount])
        let hidden = Array(wrapped[(saltCount + AESCTR.ivCount)...])
        return try crypto("unwrapping \(what)") {
            let key = try PBKDF2.sha256(password: Array(code.utf8), salt: salt, iterations: iterations, length: AESCTR.keyCount)
            return try AESCTR.decrypt(hidden, key: key, iv: iv)
        }
    }

    /// The key that encrypts the bundle: HKDF-SHA256(ikm = S1, salt, info = ``bundleKeyInfo``), 32 bytes,
    /// where S1 is the ephemeral-ephemeral Diffie-Hellman secret.
    public static func bundleKey(ephemeralSecret: SecretBytes, salt: [UInt8]) throws -> SecretBytes {
        try crypto("deriving the key-bundle key") {
            try HKDF.sha256(ikm: ephemeralSecret, salt: salt, info: Array(bundleKeyInfo.utf8), outputCount: 32)
        }
    }

    /// The new adv secret: HKDF-SHA256(ikm = S1 ‖ S2 ‖ random, no salt, info = ``advSecretInfo``), 32 bytes,
    /// where S1 is the ephemeral-ephemeral secret, S2 the identity-identity secret and `random` the
    /// 32 bytes the companion put at the end of the bundle.
    public static func advSecret(ephemeralSecret: SecretBytes, identitySecret: SecretBytes, random: [UInt8]) throws -> SecretBytes {
        try crypto("deriving the adv secret") {
            var input = ephemeralSecret.copyBytes() + identitySecret.copyBytes() + random
            defer { SecretBytes.wipe(&input) }
            return try HKDF.sha256(ikm: SecretBytes(copying: input), salt: [UInt8](), info: Array(advSecretInfo.utf8), outputCount: 32)
        }
    }

    /// X25519 with our private key and their public key, as a ``LinkCodeError``.
    public static func sharedSecret(privateKey: SecretBytes, publicKey: [UInt8], what: String) throws -> SecretBytes {
        try crypto("Diffie-Hellman with \(what)") { try Curve25519.sharedSecret(privateKey: privateKey, publicKey: publicKey) }
    }

    /// A key pair whose private key is `bytes`, clamped as X25519 does (the caller draws the bytes, so
    /// tests can fix them).
    public static func keyPair(privateKey bytes: [UInt8]) throws -> Curve25519.KeyPair {
        guard bytes.count == Curve25519.keyCount else {
            throw LinkCodeError(.wrongSize, "a private key is \(Curve25519.keyCount) bytes, not \(bytes.count)")
        }
        var clamped = bytes
        defer { SecretBytes.wipe(&clamped) }
        clamped[0] &= 248
        clamped[31] &= 127
        clamped[31] |= 64
        return try crypto("making an ephemeral key pair") { try Curve25519.KeyPair(privateKey: SecretBytes(copying: clamped)) }
    }

    /// `count` bytes from the system CSPRNG (libsodium), the default randomness of both sides.
    public static func systemRandom(_ count: Int) throws -> [UInt8] {
        try crypto("drawing random bytes") { try SecretBytes.random(count: count).copyBytes() }
    }

    /// Draws `count` bytes from `random` and checks it kept its promise.
    public static func draw(_ count: Int, from random: (Int) throws -> [UInt8]) throws -> [UInt8] {
        let bytes = try random(count)
        guard bytes.count == count else {
            throw LinkCodeError(.cryptoFailure, "the random source returned \(bytes.count) bytes where \(count) were asked for")
        }
        return bytes
    }

    // MARK: - Stanzas

    /// The single child `tag` of `parent` as bytes.
    /// - Throws: ``LinkCodeError`` `.malformedNode` naming the missing element.
    public static func childBytes(_ parent: Node, _ tag: String) throws -> [UInt8] {
        guard let bytes = parent.child(tag)?.contentBytes else {
            throw LinkCodeError(.malformedNode, "<\(parent.tag)> has no <\(tag)> with content")
        }
        return bytes
    }

    /// Runs `body`, turning a `CryptoError` into ``LinkCodeError`` `.cryptoFailure` (other errors pass through).
    static func crypto<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as CryptoError {
            throw LinkCodeError(.cryptoFailure, "\(what) failed: \(error.message)")
        }
    }
}
