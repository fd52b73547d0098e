import CSignalProtocol
import WAGateCrypto

/// The library's five store interfaces, answered from a `SignalStore`.
///
/// Every callback is a non-capturing closure (`@convention(c)`); the store arrives as `user_data`,
/// passed unretained: `SignalEngine` owns both the store and the store context and destroys the
/// context first, so the store outlives every callback. No store sets a `destroy_func` (the five share
/// one `user_data` and nothing needs freeing). Inputs the library passes are borrowed and copied;
/// outputs are allocated with `signal_buffer_create` because the library frees them.
extension SignalStore {
    /// A `signal_protocol_store_context` whose callbacks read and write this store.
    /// - Parameter global: the `signal_context` the store context belongs to.
    /// - Returns: the store context; the caller destroys it (before this store goes away).
    func makeStoreContext(global: OpaquePointer) throws -> OpaquePointer {
        var created: OpaquePointer?
        try SignalError.check(signal_protocol_store_context_create(&created, global))
        guard let storeContext = created else { throw SignalError.outOfMemory }
        let userData = Unmanaged.passUnretained(self).toOpaque()

        var sessionStore = Self.sessionStore()
        sessionStore.user_data = userData
        var preKeyStore = Self.preKeyStore()
        preKeyStore.user_data = userData
        var signedPreKeyStore = Self.signedPreKeyStore()
        signedPreKeyStore.user_data = userData
        var identityStore = Self.identityStore()
        identityStore.user_data = userData
        var senderKeyStore = Self.senderKeyStore()
        senderKeyStore.user_data = userData

        let results = [
            signal_protocol_store_context_set_session_store(storeContext, &sessionStore),
            signal_protocol_store_context_set_pre_key_store(storeContext, &preKeyStore),
            signal_protocol_store_context_set_signed_pre_key_store(storeContext, &signedPreKeyStore),
            signal_protocol_store_context_set_identity_key_store(storeContext, &identityStore),
            signal_protocol_store_context_set_sender_key_store(storeContext, &senderKeyStore),
        ]
        if let failure = results.first(where: { $0 < 0 }) {
            signal_protocol_store_context_destroy(storeContext)
            throw SignalError(code: failure)
        }
        return storeContext
    }

    /// The store behind a callback's `user_data`.
    private static func from(_ userData: UnsafeMutableRawPointer?) -> SignalStore? {
        userData.map { Unmanaged<SignalStore>.fromOpaque($0).takeUnretainedValue() }
    }

    /// Answers a load: 1 with a fresh buffer, 0 when absent, NOMEM when the copy failed.
    private static func found(_ bytes: [UInt8]?, into output: UnsafeMutablePointer<OpaquePointer?>) -> Int32 {
        guard let bytes else { return 0 }
        output.pointee = LibSignal.makeBuffer(bytes)
        return output.pointee == nil ? SG_ERR_NOMEM : 1
    }

    private static func copy(_ data: UnsafeMutablePointer<UInt8>?, _ count: Int) -> [UInt8] {
        guard let data, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: count))
    }

    // MARK: - Sessions

    private static func sessionStore() -> signal_protocol_session_store {
        var store = signal_protocol_session_store()
        store.load_session_func = { record, _, address, userData in
            guard let record, let address, let store = SignalStore.from(userData) else { return SG_ERR_INVAL }
            return SignalStore.found(store.sessions[LibSignal.address(address)]?.serialized, into: record)
        }
        store.get_sub_device_sessions_func = { sessions, name, nameCount, userData in
            guard let sessions, let store = SignalStore.from(userData) else { return SG_ERR_INVAL }
            let name = LibSignal.string(name, nameCount)
            guard let list = signal_int_list_alloc() else { return SG_ERR_NOMEM }
            var count: Int32 = 0
            for address in store.sessions.keys where address.name == name {
                guard signal_int_list_push_back(list, Int32(address.deviceId)) >= 0 else {
                    signal_int_list_free(list)
                    return SG_ERR_NOMEM
                }
                count += 1
            }
            sessions.pointee = list
            return count
        }
        store.store_session_func = { address, record, recordCount, _, _, userData in
            guard let address, let store = SignalStore.from(userData) else { return SG_ERR_INVAL }
            store.sessions.write(SessionRecord(trusted: SignalStore.copy(record, recordCount)), for: LibSignal.address(address))
            return SG_SUCCESS
        }
        store.contains_session_func = { address, userData in
            guard let address, let store = SignalStore.from(userData) else { return 0 }
            return store.sessions[LibSignal.address(address)] == nil ? 0 : 1
        }
        store.delete_session_func = { address, userData in
            guard let address, let store = SignalStore.from(userData) else { return SG_ERR_INVAL }
            let key = LibSignal.address(address)
            guard store.sessions[key] != nil else { return 0 }
            store.sessions.write(nil, for: key)
            return 1
        }
        store.delete_all_sessions_func = { name, nameCount, userData in
            guard let store = SignalStore.from(userData) else { return SG_ERR_INVAL }
            let name = LibSignal.string(name, nameCount)
            var count: Int32 = 0
            for address in store.sessions.keys where address.name == name {
                store.sessions.write(nil, for: address)
                count += 1
            }
            return count
        }
        return store
    }

    // MARK: - Prekeys

    private static func preKeyStore() -> signal_protocol_pre_key_store {
        var store = signal_protocol_pre_key_store()
        store.load_pre_key = { record, id, userData in
            guard let record, let store = SignalStore.from(userData) else { return SG_ERR_INVAL }
            // Never 0 without a buffer: the library would dereference it.
            guard let preKey = store.preKeys[id] else { return SG_ERR_INVALID_KEY_ID }
            return SignalStore.found(preKey.serialized, into: record) == 1 ? SG_SUCCESS : SG_ERR_NOMEM
        }
        store.store_pre_key = { _, record, recordCount, userData in
            guard let store = SignalStore.from(userData) else { return SG_ERR_INVAL }
            do {
                let preKey = try PreKeyRecord(serialized: SignalStore.copy(record, recordCount))
                store.preKeys.write(preKey, for: preKey.id)
                return SG_SUCCESS
            } catch let error as SignalError {
                return error.resultCode
            } catch {
                return SG_ERR_UNKNOWN
            }
        }
        store.contains_pre_key = { id, userData in
            guard let store = SignalStore.from(userData) else { return 0 }
            return store.preKeys[id] == nil ? 0 : 1
        }
        store.remove_pre_key = { id, userData in
            guard let store = SignalStore.from(userData) else { return SG_ERR_INVAL }
            // Called after a pkmsg's session was stored: this is the consumed one-time prekey.
            store.preKeys.write(nil, for: id)
            store.stagedRemovedPreKeyIds.append(id)
            return SG_SUCCESS
        }
        return store
    }

    private static func signedPreKeyStore() -> signal_protocol_signed_pre_key_store {
        var store = signal_protocol_signed_pre_key_store()
        store.load_signed_pre_key = { record, id, userData in
            guard let record, let store = SignalStore.from(userData) else { return SG_ERR_INVAL }
            guard let signedPreKey = store.signedPreKeys[id] else { return SG_ERR_INVALID_KEY_ID }
            return SignalStore.found(signedPreKey.serialized, into: record) == 1 ? SG_SUCCESS : SG_ERR_NOMEM
        }
        store.store_signed_pre_key = { _, record, recordCount, userData in
            guard let store = SignalStore.from(userData) else { return SG_ERR_INVAL }
            do {
                let signedPreKey = try SignedPreKeyRecord(serialized: SignalStore.copy(record, recordCount))
                store.signedPreKeys.write(signedPreKey, for: signedPreKey.id)
                return SG_SUCCESS
            } catch let error as SignalError {
                return error.resultCode
            } catch {
                return SG_ERR_UNKNOWN
            }
        }
        store.contains_signed_pre_key = { id, userData in
            guard let store = SignalStore.from(userData) else { return 0 }
            return store.signedPreKeys[id] == nil ? 0 : 1
        }
        store.remove_signed_pre_key = { id, userData in
            guard let store = SignalStore.from(userData) else { return SG_ERR_INVAL }
            store.signedPreKeys.write(nil, for: id)
            return SG_SUCCESS
        }
        return store
    }

    // MARK: - Identities

    private static func identityStore() -> signal_protocol_identity_key_store {
        var store = signal_protocol_identity_key_store()
        store.get_identity_key_pair = { publicData, privateData, userData in
            guard let publicData, let privateData, let store = SignalStore.from(userData) else { return SG_ERR_INVAL }
            let identity = store.identityKeyPair
            // The public half in the 33-byte serialised form, the private half as 32 raw bytes.
            publicData.pointee = LibSignal.makeBuffer(identity.publicKey.serialized)
            privateData.pointee = identity.privateKey.withUnsafeBytes { raw in
                signal_buffer_create(raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count)
            }
            guard publicData.pointee != nil, privateData.pointee != nil else { return SG_ERR_NOMEM }
            return SG_SUCCESS
        }
        // The one callback whose user_data comes first.
        store.get_local_registration_id = { userData, registrationId in
            guard let registrationId, let store = SignalStore.from(userData) else { return SG_ERR_INVAL }
            registrationId.pointee = store.registrationId
            return SG_SUCCESS
        }
        store.save_identity = { address, keyData, keyCount, userData in
            guard let address, let store = SignalStore.from(userData) else { return SG_ERR_INVAL }
            let peer = LibSignal.address(address)
            guard keyData != nil else {
                store.identities.write(nil, for: peer)
                return SG_SUCCESS
            }
            guard let key = try? SignalPublicKey(serialized: SignalStore.copy(keyData, keyCount)) else { return SG_ERR_INVALID_KEY }
            if let previous = store.identities[peer], previous != key {
                store.stagedIdentityChanges.append(IdentityChange(address: peer, previous: previous, current: key))
            }
            store.identities.write(key, for: peer)
            return SG_SUCCESS
        }
        store.is_trusted_identity = { address, keyData, keyCount, userData in
            guard let address, let store = SignalStore.from(userData) else { return SG_ERR_INVAL }
            switch store.trustPolicy {
            case .acceptChanges:
                // Reported, not refused: save_identity records the change for the caller.
                return 1
            case .rejectChanges:
                guard let stored = store.identities[LibSignal.address(address)] else { return 1 }  // first use
                return stored.serialized == SignalStore.copy(keyData, keyCount) ? 1 : 0
            }
        }
        return store
    }

    // MARK: - Sender keys

    private static func senderKeyStore() -> signal_protocol_sender_key_store {
        var store = signal_protocol_sender_key_store()
        store.store_sender_key = { name, record, recordCount, _, _, userData in
            guard let name, let store = SignalStore.from(userData) else { return SG_ERR_INVAL }
            store.senderKeys.write(SenderKeyRecord(trusted: SignalStore.copy(record, recordCount)), for: LibSignal.senderKeyName(name))
            return SG_SUCCESS
        }
        store.load_sender_key = { record, _, name, userData in
            guard let record, let name, let store = SignalStore.from(userData) else { return SG_ERR_INVAL }
            return SignalStore.found(store.senderKeys[LibSignal.senderKeyName(name)]?.serialized, into: record)
        }
        return store
    }
}
