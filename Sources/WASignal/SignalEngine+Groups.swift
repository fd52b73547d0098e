import CSignalProtocol

extension SignalEngine {
    // MARK: - Groups (sender keys)

    /// Our sender key distribution message for a group, creating our sender key on first use.
    ///
    /// Send it pairwise to every participant device that does not have it yet (WhatsApp:
    /// `Message.senderKeyDistributionMessage.axolotlSenderKeyDistributionMessage`, with `groupId` set).
    /// It carries the chain at its current iteration, so it lets the receiver read our *next* messages.
    /// - Parameter name: the group and our own address.
    /// - Returns: the serialised distribution message (version byte `0x33` first).
    /// - Throws: `SignalError` from the library.
    public func senderKeyDistributionMessage(for name: SenderKeyName) throws -> [UInt8] {
        let global = context.pointer
        return try transaction {
            try LibSignal.withSenderKeyName(name) { cName in
                var builder: OpaquePointer?
                try SignalError.check(group_session_builder_create(&builder, storeContext, global))
                defer { group_session_builder_free(builder) }
                var message: OpaquePointer?
                try SignalError.check(group_session_builder_create_session(builder, &message, cName))
                defer { signal_type_unref(message) }
                return LibSignal.bytes(of: ciphertext_message_get_serialized(message))
            }
        }.value
    }

    /// Installs a sender's distribution message, so its group messages can be decrypted.
    ///
    /// A message whose key id we already have is skipped: processing it again would add a second copy
    /// of the state at the distributed iteration and rewind the chain, making skmsgs we already
    /// decrypted decryptable again (reference §5).
    /// - Parameters:
    ///   - bytes: the serialised distribution message.
    ///   - name: the group and the sender's address.
    /// - Returns: true when installed, false when that key id was already known.
    /// - Throws: `SignalError.invalidProtobuf` / `.invalidArgument` / `.invalidVersion` / `.legacyMessage`
    ///   / `.invalidKey` for malformed input.
    @discardableResult
    public func processSenderKeyDistributionMessage(_ bytes: [UInt8], from name: SenderKeyName) throws -> Bool {
        let global = context.pointer
        var message: OpaquePointer?
        try LibSignal.withBytes(bytes) { try SignalError.check(sender_key_distribution_message_deserialize(&message, $0, $1, global)) }
        defer { signal_type_unref(message) }

        if let existing = store.senderKey(for: name) {
            var record: OpaquePointer?
            try LibSignal.withBytes(existing.serialized) { try SignalError.check(sender_key_record_deserialize(&record, $0, $1, global)) }
            defer { signal_type_unref(record) }
            var state: OpaquePointer?  // borrowed from the record
            if sender_key_record_get_sender_key_state_by_id(record, &state, sender_key_distribution_message_get_id(message)) == SG_SUCCESS {
                return false
            }
        }

        try transaction {
            try LibSignal.withSenderKeyName(name) { cName in
                var builder: OpaquePointer?
                try SignalError.check(group_session_builder_create(&builder, storeContext, global))
                defer { group_session_builder_free(builder) }
                try SignalError.check(group_session_builder_process_session(builder, cName, message))
            }
        }
        return true
    }

    /// Encrypts a group message with our sender key (advancing its chain).
    /// - Parameters:
    ///   - plaintext: the bytes to encrypt (WhatsApp v2: the padded serialised `Message`).
    ///   - name: the group and our own address.
    /// - Returns: the serialised sender key message (`skmsg`): version ‖ protobuf ‖ 64-byte signature.
    /// - Throws: `SignalError.noSession` when we have no sender key for the group yet (call
    ///   `senderKeyDistributionMessage(for:)` first), other `SignalError`s.
    public func groupEncrypt(_ plaintext: [UInt8], as name: SenderKeyName) throws -> [UInt8] {
        let global = context.pointer
        return try transaction {
            try LibSignal.withSenderKeyName(name) { cName in
                var cipher: OpaquePointer?
                try SignalError.check(group_cipher_create(&cipher, storeContext, cName, global))
                defer { group_cipher_free(cipher) }
                var message: OpaquePointer?
                try LibSignal.withBytes(plaintext) { try SignalError.check(group_cipher_encrypt(cipher, $0, $1, &message)) }
                defer { signal_type_unref(message) }
                return LibSignal.bytes(of: ciphertext_message_get_serialized(message))
            }
        }.value
    }

    /// Decrypts a group message from a sender whose distribution message we processed.
    /// - Parameters:
    ///   - bytes: the serialised sender key message (`skmsg`).
    ///   - name: the group and the sender's address.
    /// - Returns: the plaintext (WhatsApp v2: still padded).
    /// - Throws: `SignalError.noSession` without the sender's key (ask for a retry: the sender then
    ///   resends its distribution message), `.duplicateMessage`, `.invalidMessage` (bad signature,
    ///   unknown key id, too far ahead), parse errors for malformed input.
    public func groupDecrypt(_ bytes: [UInt8], from name: SenderKeyName) throws -> [UInt8] {
        let global = context.pointer
        var message: OpaquePointer?
        try LibSignal.withBytes(bytes) { try SignalError.check(sender_key_message_deserialize(&message, $0, $1, global)) }
        defer { signal_type_unref(message) }
        return try transaction {
            try LibSignal.withSenderKeyName(name) { cName in
                var cipher: OpaquePointer?
                try SignalError.check(group_cipher_create(&cipher, storeContext, cName, global))
                defer { group_cipher_free(cipher) }
                var plain: OpaquePointer?
                try SignalError.check(group_cipher_decrypt(cipher, message, nil, &plain))
                return LibSignal.consume(plain)
            }
        }.value
    }
}
