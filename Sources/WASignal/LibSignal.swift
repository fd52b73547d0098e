import CSignalProtocol

/// Small bridges between Swift values and libsignal-protocol-c's C types, shared by the types that
/// call into the library. Everything here copies: nothing returned points into library memory.
enum LibSignal {
    /// A copy of a `signal_buffer`'s bytes (empty for NULL). The buffer stays owned by the caller.
    static func bytes(of buffer: OpaquePointer?) -> [UInt8] {
        guard let buffer else { return [] }
        let count = signal_buffer_len(buffer)
        guard count > 0, let data = signal_buffer_data(buffer) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: count))
    }

    /// A copy of a buffer the caller owns, which is then wiped and freed.
    static func consume(_ buffer: OpaquePointer?) -> [UInt8] {
        defer { signal_buffer_bzero_free(buffer) }
        return bytes(of: buffer)
    }

    /// A new `signal_buffer` holding a copy of `bytes`, for outputs the library frees itself.
    /// - Returns: nil only when the allocation failed.
    static func makeBuffer(_ bytes: [UInt8]) -> OpaquePointer? {
        withBytes(bytes) { signal_buffer_create($0, $1) }
    }

    /// Runs `body` with a pointer to `bytes` that is never NULL: an empty array yields a pointer to a
    /// dummy byte with count 0, because several library functions treat a NULL pointer as an error
    /// even with a zero length.
    @discardableResult
    static func withBytes<R>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress, buffer.count > 0 { return try body(base, buffer.count) }
            var dummy: UInt8 = 0
            return try withUnsafePointer(to: &dummy) { try body($0, 0) }
        }
    }

    /// Runs `body` with a C address for `address`.
    ///
    /// > Important: session builders and ciphers keep the address pointer: create, use and free them
    /// > inside `body`.
    static func withAddress<R>(_ address: SignalAddress, _ body: (UnsafePointer<signal_protocol_address>) throws -> R) rethrows -> R {
        // withCString gives a NUL-terminated copy: the library logs names with %s.
        try address.name.withCString { name in
            var cAddress = signal_protocol_address(name: name, name_len: address.name.utf8.count, device_id: Int32(address.deviceId))
            return try withUnsafePointer(to: &cAddress) { try body($0) }
        }
    }

    /// Runs `body` with a C sender key name for `name` (same lifetime rule as `withAddress`).
    static func withSenderKeyName<R>(
        _ name: SenderKeyName, _ body: (UnsafePointer<signal_protocol_sender_key_name>) throws -> R
    ) rethrows -> R {
        try name.groupId.withCString { group in
            try name.sender.name.withCString { sender in
                var cName = signal_protocol_sender_key_name(
                    group_id: group, group_id_len: name.groupId.utf8.count,
                    sender: signal_protocol_address(
                        name: sender, name_len: name.sender.name.utf8.count, device_id: Int32(name.sender.deviceId)))
                return try withUnsafePointer(to: &cName) { try body($0) }
            }
        }
    }

    /// The Swift address of a C address the library passed to a store callback.
    static func address(_ address: UnsafePointer<signal_protocol_address>) -> SignalAddress {
        SignalAddress(
            name: string(address.pointee.name, address.pointee.name_len), deviceId: UInt16(truncatingIfNeeded: address.pointee.device_id))
    }

    /// The Swift sender key name of a C one the library passed to a store callback.
    static func senderKeyName(_ name: UnsafePointer<signal_protocol_sender_key_name>) -> SenderKeyName {
        let sender = withUnsafePointer(to: name.pointee.sender) { address($0) }
        return SenderKeyName(groupId: string(name.pointee.group_id, name.pointee.group_id_len), sender: sender)
    }

    /// A length-delimited C string (the library's names are not guaranteed NUL-terminated).
    static func string(_ pointer: UnsafePointer<CChar>?, _ count: Int) -> String {
        guard let pointer, count > 0 else { return "" }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
    }

    /// The 33-byte serialised form of an `ec_public_key` (borrowed; not released here).
    static func serialize(publicKey: OpaquePointer?) throws -> SignalPublicKey {
        var buffer: OpaquePointer?
        try SignalError.check(ec_public_key_serialize(&buffer, publicKey))
        defer { signal_buffer_free(buffer) }
        return try SignalPublicKey(serialized: bytes(of: buffer))
    }

    /// A new `ec_public_key` (+1: the caller unrefs it) from a Swift key.
    static func decode(_ key: SignalPublicKey, context: OpaquePointer?) throws -> OpaquePointer {
        var decoded: OpaquePointer?
        try withBytes(key.serialized) { try SignalError.check(curve_decode_point(&decoded, $0, $1, context)) }
        guard let decoded else { throw SignalError.outOfMemory }
        return decoded
    }
}
