import CSignalProtocol

/// One account's Signal protocol operations: sessions from prekey bundles (X3DH), pairwise encryption
/// and decryption (double ratchet), and group sender keys — libsignal-protocol-c on a `SignalStore`.
///
/// The engine owns the library's store context, bridged to `store`, and keeps `context` and `store`
/// alive for as long as the store context exists. Each operation is one library call run as a
/// transaction on the store: when it throws, the store is exactly as before; when it succeeds, its
/// writes are in `store.takeChanges()`.
///
/// > Important: Not `Sendable`: create it in the account's actor and use it only there (reference §1:
/// > library objects and reference counts are not thread-safe). Results are `Sendable` values.
///
/// ```swift
/// // Sending: a session from the peer's bundle, then encrypt (pkmsg until the peer answers).
/// try engine.processPreKeyBundle(bundle, for: peer)
/// let enc = try engine.encrypt(try WhatsAppPadding.add(to: message), to: peer)   // enc.kind == .pkmsg
/// // Receiving:
/// let decrypted = try engine.decrypt(SignalCiphertext(kind: .pkmsg, bytes: payload), from: peer)
/// let message = try WhatsAppPadding.remove(from: decrypted.plaintext)
/// persist(message, engine.store.takeChanges())
/// ```
public final class SignalEngine {
    /// The state the operations read and advance.
    public let store: SignalStore
    /// The library context (crypto provider, lock) the operations run in.
    public let context: SignalContext
    /// `signal_protocol_store_context *`, bridged to `store`; destroyed in `deinit`.
    let storeContext: OpaquePointer

    /// An engine on `store`.
    /// - Parameters:
    ///   - store: the account's store.
    ///   - context: the account's library context (a new one by default).
    /// - Throws: `SignalError` when the library cannot allocate its contexts.
    public init(store: SignalStore, context: SignalContext? = nil) throws {
        let context = try context ?? SignalContext()
        self.storeContext = try store.makeStoreContext(global: context.pointer)
        self.store = store
        self.context = context
    }

    deinit {
        // Store context first: its callbacks hold the store unretained, and it belongs to `context`.
        // Both are released (by ARC) only after this.
        signal_protocol_store_context_destroy(storeContext)
    }

    // MARK: - Pairwise sessions

    /// Whether we have a session with `address` (and can encrypt to it without a bundle).
    public func hasSession(with address: SignalAddress) -> Bool {
        store.session(for: address) != nil
    }

    /// Starts a session with a peer device from its prekey bundle (X3DH as initiator).
    ///
    /// An existing session is archived, not lost, so the peer's in-flight messages still decrypt.
    /// - Parameters:
    ///   - bundle: the peer device's bundle.
    ///   - address: the peer device.
    /// - Returns: the identity change, when the bundle's identity differs from the stored one.
    /// - Throws: `SignalError.invalidKey` when the signed prekey signature does not verify (or a key is
    ///   malformed), `.untrustedIdentity` under `.rejectChanges`, other `SignalError`s from the library.
    @discardableResult
    public func processPreKeyBundle(_ bundle: PreKeyBundle, for address: SignalAddress) throws -> IdentityChange? {
        guard bundle.signedPreKeySignature.count == 64 else { throw SignalError.invalidKey }
        let global = context.pointer
        let identityKey = try LibSignal.decode(bundle.identityKey, context: global)
        defer { signal_type_unref(identityKey) }
        let signedPreKey = try LibSignal.decode(bundle.signedPreKey, context: global)
        defer { signal_type_unref(signedPreKey) }
        let preKey = try bundle.preKey.map { try LibSignal.decode($0.publicKey, context: global) }
        defer { signal_type_unref(preKey) }

        var created: OpaquePointer?
        try LibSignal.withBytes(bundle.signedPreKeySignature) { signature, count in
            // The bundle takes its own references to the keys.
            try SignalError.check(
                session_pre_key_bundle_create(
                    &created, bundle.registrationId, Int32(bundle.deviceId), bundle.preKey?.id ?? 0, preKey,
                    bundle.signedPreKeyId, signedPreKey, signature, count, identityKey))
        }
        defer { signal_type_unref(created) }

        let events = try transaction {
            try LibSignal.withAddress(address) { cAddress in
                var builder: OpaquePointer?
                try SignalError.check(session_builder_create(&builder, storeContext, cAddress, global))
                defer { session_builder_free(builder) }
                try SignalError.check(session_builder_process_pre_key_bundle(builder, created))
            }
        }.events
        return events.identityChanges.last
    }

    /// Encrypts a plaintext for a peer device on our session with it.
    /// - Parameters:
    ///   - plaintext: the bytes to encrypt (WhatsApp v2: the padded serialised `Message`).
    ///   - address: the peer device.
    /// - Returns: a `.pkmsg` until the peer has answered on this session, `.msg` afterwards.
    /// - Throws: `SignalError.noSession` without a session (fetch a bundle first), other `SignalError`s.
    public func encrypt(_ plaintext: [UInt8], to address: SignalAddress) throws -> SignalCiphertext {
        // The library answers a missing session with SG_ERR_UNKNOWN: say what it is instead.
        guard hasSession(with: address) else { throw SignalError.noSession }
        let global = context.pointer
        return try transaction {
            try LibSignal.withAddress(address) { cAddress in
                var cipher: OpaquePointer?
                try SignalError.check(session_cipher_create(&cipher, storeContext, cAddress, global))
                defer { session_cipher_free(cipher) }
                var message: OpaquePointer?
                try LibSignal.withBytes(plaintext) { try SignalError.check(session_cipher_encrypt(cipher, $0, $1, &message)) }
                defer { signal_type_unref(message) }
                let kind: SignalCiphertext.Kind
                switch ciphertext_message_get_type(message) {
                case CIPHERTEXT_PREKEY_TYPE: kind = .pkmsg
                case CIPHERTEXT_SIGNAL_TYPE: kind = .msg
                case let other: throw SignalError.library(other)
                }
                return SignalCiphertext(kind: kind, bytes: LibSignal.bytes(of: ciphertext_message_get_serialized(message)))
            }
        }.value
    }

    /// Decrypts a pairwise message from a peer device.
    ///
    /// A `.pkmsg` may create the session (X3DH as responder) and consume one of our one-time prekeys;
    /// a `.msg` needs the session.
    /// - Parameters:
    ///   - ciphertext: the message and its type (from `<enc type=…>`).
    ///   - address: the sending device.
    /// - Returns: the plaintext, the consumed prekey id and any identity change.
    /// - Throws: `SignalError.duplicateMessage` for a message already decrypted; `.noSession` (msg
    ///   without session), `.invalidKeyId` (pkmsg naming a prekey we lack), `.invalidMessage`,
    ///   `.invalidProtobuf`, `.invalidArgument` (too short), `.legacyMessage` / `.invalidVersion` for
    ///   malformed or foreign input; `.untrustedIdentity` under `.rejectChanges`.
    public func decrypt(_ ciphertext: SignalCiphertext, from address: SignalAddress) throws -> DecryptedMessage {
        let global = context.pointer
        let (plaintext, events) = try transaction { () throws -> [UInt8] in
            switch ciphertext.kind {
            case .pkmsg:
                var message: OpaquePointer?
                try LibSignal.withBytes(ciphertext.bytes) {
                    try SignalError.check(pre_key_signal_message_deserialize(&message, $0, $1, global))
                }
                defer { signal_type_unref(message) }
                return try LibSignal.withAddress(address) { cAddress in
                    var cipher: OpaquePointer?
                    try SignalError.check(session_cipher_create(&cipher, storeContext, cAddress, global))
                    defer { session_cipher_free(cipher) }
                    var plain: OpaquePointer?
                    try SignalError.check(session_cipher_decrypt_pre_key_signal_message(cipher, message, nil, &plain))
                    return LibSignal.consume(plain)
                }
            case .msg:
                var message: OpaquePointer?
                try LibSignal.withBytes(ciphertext.bytes) { try SignalError.check(signal_message_deserialize(&message, $0, $1, global)) }
                defer { signal_type_unref(message) }
                return try LibSignal.withAddress(address) { cAddress in
                    var cipher: OpaquePointer?
                    try SignalError.check(session_cipher_create(&cipher, storeContext, cAddress, global))
                    defer { session_cipher_free(cipher) }
                    var plain: OpaquePointer?
                    try SignalError.check(session_cipher_decrypt_signal_message(cipher, message, nil, &plain))
                    return LibSignal.consume(plain)
                }
            }
        }
        return DecryptedMessage(
            plaintext: plaintext, consumedPreKeyId: events.removedPreKeyIds.last, identityChange: events.identityChanges.last)
    }

    // MARK: - Transactions

    /// Runs one library operation as a transaction on the store: staged writes are kept when `body`
    /// returns and dropped when it throws.
    @discardableResult
    func transaction<R>(_ body: () throws -> R) throws -> (value: R, events: SignalStore.TransactionEvents) {
        store.beginTransaction()
        do {
            let value = try body()
            return (value, store.commitTransaction())
        } catch {
            store.rollbackTransaction()
            throw error
        }
    }
}
