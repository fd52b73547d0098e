import COpenSSL

/// Small helpers shared by the OpenSSL-backed primitives (`SHA256`, `HMAC`, `HKDF`, `AESGCM`, `XEdDSA`).
enum OpenSSL {
    /// A `CryptoError.libraryUnavailable` naming the failed call and OpenSSL's oldest queued error.
    ///
    /// The whole error queue is drained so that a later, unrelated failure does not report this one.
    static func error(_ call: String) -> CryptoError {
        var buffer = [CChar](repeating: 0, count: 256)
        let code = copenssl_last_error(&buffer, buffer.count)
        let detail =
            code == 0
            ? "no OpenSSL error queued"
            : String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        while copenssl_last_error(nil, 0) != 0 {}
        return CryptoError(.libraryUnavailable, "\(call) failed: \(detail)")
    }

    /// Runs `body` with a pointer to `bytes`, never nil: an empty collection yields a pointer to a
    /// one-byte dummy with count 0, because several OpenSSL calls treat a NULL key as "keep the old key"
    /// or as an error even when its length is 0.
    static func withBytes<R>(
        _ bytes: some Collection<UInt8>, _ body: (UnsafePointer<UInt8>, Int) throws -> R
    ) rethrows -> R {
        if let r = try bytes.withContiguousStorageIfAvailable({ buffer -> R in
            if let base = buffer.baseAddress, buffer.count > 0 { return try body(base, buffer.count) }
            var dummy: UInt8 = 0
            return try body(&dummy, 0)
        }) {
            return r
        }
        return try withBytes(Array(bytes), body)
    }

    /// `withBytes(_:_:)` for raw memory (the inside of a `SecretBytes`), without copying it.
    static func withBytes<R>(
        _ raw: UnsafeRawBufferPointer, _ body: (UnsafePointer<UInt8>, Int) throws -> R
    ) rethrows -> R {
        if let base = raw.baseAddress, raw.count > 0 {
            return try body(base.assumingMemoryBound(to: UInt8.self), raw.count)
        }
        var dummy: UInt8 = 0
        return try body(&dummy, 0)
    }
}
