/// The protobuf `CertChain` (WACert): the server's certificate chain, sent encrypted as the
/// ServerHello payload. Field numbers: `wa-proto-fields.md` §2.
///
/// Each certificate carries its `Details` as serialized bytes, and the signature covers exactly those
/// bytes, so `NoiseCertificate.details` stays raw and is decoded separately with `Details(serializedBytes:)`.
///
/// > Important: Temporary hand-written encoding (see `ProtobufWire`), to be replaced by generated code.
public struct CertChain: Sendable, Equatable {
    /// One certificate: signed details.
    public struct NoiseCertificate: Sendable, Equatable {
        /// Field 1: serialized `Details`, the signed bytes.
        public var details: [UInt8]?
        /// Field 2: 64-byte XEdDSA signature of `details` by the issuer's key.
        public var signature: [UInt8]?

        /// Creates a certificate.
        public init(details: [UInt8]? = nil, signature: [UInt8]? = nil) {
            self.details = details
            self.signature = signature
        }
    }

    /// The signed content of a certificate.
    public struct Details: Sendable, Equatable {
        /// Field 1: this certificate's serial number.
        public var serial: UInt32
        /// Field 2: the issuer's serial (0 for the root "WhatsAppLongTerm1").
        public var issuerSerial: UInt32
        /// Field 3: the certified 32-byte X25519 public key.
        public var key: [UInt8]
        /// Field 4: start of validity, unix seconds.
        public var notBefore: UInt64
        /// Field 5: end of validity, unix seconds.
        public var notAfter: UInt64

        /// Creates certificate details.
        public init(serial: UInt32 = 0, issuerSerial: UInt32 = 0, key: [UInt8] = [], notBefore: UInt64 = 0, notAfter: UInt64 = 0) {
            self.serial = serial
            self.issuerSerial = issuerSerial
            self.key = key
            self.notBefore = notBefore
            self.notAfter = notAfter
        }

        /// Decodes serialized details; unset fields read as 0 or empty, as protobuf getters do.
        /// - Throws: `NoiseError.malformedMessage`.
        public init(serializedBytes bytes: some Collection<UInt8>) throws {
            self.init()
            var reader = ProtobufWire.Reader(bytes, messageName: "CertChain.NoiseCertificate.Details")
            while let (number, value) = try reader.next() {
                switch number {
                case 1: serial = try value.uint32("serial")
                case 2: issuerSerial = try value.uint32("issuerSerial")
                case 3: key = try value.bytes("key")
                case 4: notBefore = try value.uint64("notBefore")
                case 5: notAfter = try value.uint64("notAfter")
                default: break
                }
            }
        }

        /// The protobuf encoding (every field written).
        public func serializedBytes() -> [UInt8] {
            var writer = ProtobufWire.Writer()
            writer.varintField(1, UInt64(serial))
            writer.varintField(2, UInt64(issuerSerial))
            writer.bytesField(3, key)
            writer.varintField(4, notBefore)
            writer.varintField(5, notAfter)
            return writer.bytes
        }
    }

    /// Field 1: the leaf certificate, certifying the server's Noise static key.
    public var leaf: NoiseCertificate?
    /// Field 2: the intermediate certificate, signed by the root key.
    public var intermediate: NoiseCertificate?

    /// Creates a chain.
    public init(leaf: NoiseCertificate? = nil, intermediate: NoiseCertificate? = nil) {
        self.leaf = leaf
        self.intermediate = intermediate
    }

    /// Decodes a serialized `CertChain`.
    /// - Throws: `NoiseError.malformedMessage`.
    public init(serializedBytes bytes: some Collection<UInt8>) throws {
        self.init()
        var reader = ProtobufWire.Reader(bytes, messageName: "CertChain")
        while let (number, value) = try reader.next() {
            switch number {
            case 1: leaf = try Self.certificate(value, "leaf")
            case 2: intermediate = try Self.certificate(value, "intermediate")
            default: break
            }
        }
    }

    /// The protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        var writer = ProtobufWire.Writer()
        for (number, certificate) in [(1, leaf), (2, intermediate)] {
            guard let certificate else { continue }
            var inner = ProtobufWire.Writer()
            inner.bytesField(1, certificate.details)
            inner.bytesField(2, certificate.signature)
            writer.bytesField(number, inner.bytes)
        }
        return writer.bytes
    }

    private static func certificate(_ value: ProtobufWire.Value, _ name: String) throws -> NoiseCertificate {
        var certificate = NoiseCertificate()
        var reader = ProtobufWire.Reader(try value.bytes(name), messageName: "CertChain.NoiseCertificate")
        while let (number, field) = try reader.next() {
            switch number {
            case 1: certificate.details = try field.bytes("details")
            case 2: certificate.signature = try field.bytes("signature")
            default: break
            }
        }
        return certificate
    }
}
