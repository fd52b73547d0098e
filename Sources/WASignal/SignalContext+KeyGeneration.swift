import CSignalProtocol
import WAGateCrypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SignalContext {
    // MARK: - Key generation (the library's key helper, randomness from OpenSSL)

    /// A new identity key pair (once per linked device, at pairing).
    /// - Throws: `SignalError` when the library fails (allocation, randomness).
    public func generateIdentityKeyPair() throws -> IdentityKeyPair {
        var pair: OpaquePointer?
        try SignalError.check(signal_protocol_key_helper_generate_identity_key_pair(&pair, pointer))
        defer { signal_type_unref(pair) }
        let publicKey = try LibSignal.serialize(publicKey: ratchet_identity_key_pair_get_public(pair))
        var privateBuffer: OpaquePointer?
        try SignalError.check(ec_private_key_serialize(&privateBuffer, ratchet_identity_key_pair_get_private(pair)))
        defer { signal_buffer_bzero_free(privateBuffer) }
        guard let data = signal_buffer_data(privateBuffer), signal_buffer_len(privateBuffer) == 32 else { throw SignalError.invalidKey }
        let privateKey = try SecretBytes(copying: UnsafeBufferPointer(start: data, count: 32))
        return IdentityKeyPair(publicKey: publicKey, privateKey: privateKey)
    }

    /// A new registration id, in 1...16380 (libsignal's convention; WhatsApp accepts any 32-bit value).
    public func generateRegistrationId() throws -> UInt32 {
        var id: UInt32 = 0
        try SignalError.check(signal_protocol_key_helper_generate_registration_id(&id, 0, pointer))
        return id
    }

    /// New one-time prekeys with consecutive ids.
    ///
    /// Ids run from `start` and wrap from `PreKeyRecord.maximumId` (0xFFFFFE) back to 1, as the library
    /// numbers them: `generatePreKeys(startingAt: 0xFFFFFD, count: 4)` gives 0xFFFFFD, 0xFFFFFE, 1, 2.
    /// Keep the next start (`PreKeyRecord.nextId(after: last.id)`) with the account so ids are not
    /// reused while the server may still hand out the old keys.
    /// - Parameters:
    ///   - start: the first id, in `1...PreKeyRecord.maximumId`.
    ///   - count: how many, at least 1 and at most `PreKeyRecord.maximumId`.
    /// - Returns: the records, in id order (store them with `SignalStore.storePreKeys`).
    /// - Throws: `SignalError.invalidArgument` for an id or count out of range; `SignalError` from the library.
    public func generatePreKeys(startingAt start: UInt32, count: Int) throws -> [PreKeyRecord] {
        guard (1...PreKeyRecord.maximumId).contains(start), count >= 1, count <= Int(PreKeyRecord.maximumId) else {
            throw SignalError.invalidArgument
        }
        var head: OpaquePointer?
        try SignalError.check(signal_protocol_key_helper_generate_pre_keys(&head, start, UInt32(count), pointer))
        // Frees the nodes and unrefs their elements: everything is copied out before.
        defer { signal_protocol_key_helper_key_list_free(head) }
        var records: [PreKeyRecord] = []
        records.reserveCapacity(count)
        var node = head
        while let current = node {
            records.append(try PreKeyRecord(signal_protocol_key_helper_key_list_element(current)))
            node = signal_protocol_key_helper_key_list_next(current)
        }
        return records
    }

    /// A new signed prekey, signed by `identity`.
    /// - Parameters:
    ///   - id: its id, in `0...0xFFFFFF` (3 bytes on WhatsApp's wire).
    ///   - identity: our identity key pair.
    ///   - timestamp: creation time in milliseconds since 1970 (default: now).
    /// - Throws: `SignalError.invalidArgument` for an id out of range; `SignalError` from the library.
    public func generateSignedPreKey(id: UInt32, identity: IdentityKeyPair, timestamp: UInt64? = nil) throws -> SignedPreKeyRecord {
        guard id <= 0xFF_FFFF else { throw SignalError.invalidArgument }
        let identityPair = try ratchetIdentityKeyPair(identity)
        defer { signal_type_unref(identityPair) }
        var record: OpaquePointer?
        try SignalError.check(
            signal_protocol_key_helper_generate_signed_pre_key(&record, identityPair, id, timestamp ?? Self.nowMilliseconds(), pointer))
        defer { signal_type_unref(record) }
        return try SignedPreKeyRecord(record)
    }

    /// A library `ratchet_identity_key_pair` (+1: the caller unrefs it) for a Swift identity.
    func ratchetIdentityKeyPair(_ identity: IdentityKeyPair) throws -> OpaquePointer {
        let publicKey = try LibSignal.decode(identity.publicKey, context: pointer)
        defer { signal_type_unref(publicKey) }
        var privateKey: OpaquePointer?
        try identity.privateKey.withUnsafeBytes { raw in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { throw SignalError.invalidKey }
            try SignalError.check(curve_decode_private_point(&privateKey, base, raw.count, pointer))
        }
        defer { signal_type_unref(privateKey) }
        var pair: OpaquePointer?
        // The pair takes its own references to both keys.
        try SignalError.check(ratchet_identity_key_pair_create(&pair, publicKey, privateKey))
        guard let pair else { throw SignalError.outOfMemory }
        return pair
    }

    private static func nowMilliseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) * 1000 + UInt64(now.tv_nsec) / 1_000_000
    }
}
