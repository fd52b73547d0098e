/// A minimal protobuf wire-format reader and writer for the handful of handshake messages
/// (`HandshakeMessage`, `CertChain`).
///
/// > Important: Temporary. It exists only because the project has no generated protobuf code yet;
/// > replace its users with generated types once a protobuf module is set up.
///
/// Supported: varint (wire type 0), 64-bit (1), length-delimited (2) and 32-bit (5) fields. Unknown
/// fields are skipped, as protobuf requires; groups (3, 4) are rejected. For a repeated scalar field the
/// last occurrence wins, which is protobuf's rule for non-repeated fields.
enum ProtobufWire {
    /// Wire types of the protobuf encoding.
    enum WireType: UInt8 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    /// One decoded field value.
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case lengthDelimited(ArraySlice<UInt8>)
        case fixed32(UInt32)

        /// The bytes of a length-delimited field.
        func bytes(_ name: String) throws -> [UInt8] {
            guard case .lengthDelimited(let b) = self else { throw malformed("field \(name) is not length-delimited") }
            return Array(b)
        }

        /// The value of a varint field as an unsigned integer.
        func uint64(_ name: String) throws -> UInt64 {
            guard case .varint(let v) = self else { throw malformed("field \(name) is not a varint") }
            return v
        }

        /// The value of a varint field declared `uint32` (protobuf truncates larger values the same way).
        func uint32(_ name: String) throws -> UInt32 {
            UInt32(truncatingIfNeeded: try uint64(name))
        }
    }

    /// Reads the fields of one serialized message, in order.
    struct Reader {
        private let bytes: [UInt8]
        private var index: Int
        private let messageName: String

        init(_ bytes: some Collection<UInt8>, messageName: String) {
            self.bytes = Array(bytes)
            self.index = 0
            self.messageName = messageName
        }

        /// The next field, or nil at the end of the message.
        mutating func next() throws -> (number: Int, value: Value)? {
            guard index < bytes.count else { return nil }
            let key = try readVarint()
            let number = key >> 3
            guard number >= 1, number <= 536_870_911 else { throw malformed("\(messageName) has an invalid field number \(number)") }
            guard let type = WireType(rawValue: UInt8(key & 7)) else {
                throw malformed("\(messageName) field \(number) has unsupported wire type \(key & 7)")
            }
            switch type {
            case .varint:
                return (Int(number), .varint(try readVarint()))
            case .fixed64:
                let raw = try take(8)
                return (Int(number), .fixed64(raw.reversed().reduce(0) { $0 << 8 | UInt64($1) }))
            case .fixed32:
                let raw = try take(4)
                return (Int(number), .fixed32(raw.reversed().reduce(0) { $0 << 8 | UInt32($1) }))
            case .lengthDelimited:
                let length = try readVarint()
                guard length <= UInt64(bytes.count - index) else {
                    throw malformed("\(messageName) field \(number) claims \(length) bytes but only \(bytes.count - index) remain")
                }
                return (Int(number), .lengthDelimited(try take(Int(length))))
            }
        }

        private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
            guard bytes.count - index >= count else { throw malformed("\(messageName) is truncated") }
            defer { index += count }
            return bytes[index..<index + count]
        }

        private mutating func readVarint() throws -> UInt64 {
            var result: UInt64 = 0
            for shift in stride(from: 0, to: 70, by: 7) {
                guard index < bytes.count else { throw malformed("\(messageName) ends inside a varint") }
                let byte = bytes[index]
                index += 1
                // The tenth byte may only carry the top bit of a 64-bit value.
                guard shift < 63 || byte <= 1 else { throw malformed("\(messageName) has a varint longer than 64 bits") }
                result |= UInt64(byte & 0x7F) << UInt64(shift)
                if byte & 0x80 == 0 { return result }
            }
            throw malformed("\(messageName) has a varint longer than 10 bytes")
        }
    }

    /// Builds one serialized message, field by field.
    struct Writer {
        private(set) var bytes: [UInt8] = []

        /// Appends a length-delimited field (bytes, string or embedded message); nil leaves it out.
        mutating func bytesField(_ number: Int, _ value: [UInt8]?) {
            guard let value else { return }
            key(number, .lengthDelimited)
            varint(UInt64(value.count))
            bytes += value
        }

        /// Appends a varint field; nil leaves it out (proto2 "not set").
        mutating func varintField(_ number: Int, _ value: UInt64?) {
            guard let value else { return }
            key(number, .varint)
            varint(value)
        }

        private mutating func key(_ number: Int, _ type: WireType) {
            varint(UInt64(number) << 3 | UInt64(type.rawValue))
        }

        private mutating func varint(_ value: UInt64) {
            var v = value
            while v >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
                v >>= 7
            }
            bytes.append(UInt8(v))
        }
    }

    static func malformed(_ message: String) -> NoiseError {
        NoiseError(.malformedMessage, message)
    }
}
