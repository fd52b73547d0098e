/// The protobuf `HandshakeMessage` (WAWebProtobufsWa6) carried, unencrypted, in the three Noise handshake
/// frames: ClientHello (field 2), ServerHello (3) and ClientFinish (4).
///
/// Only the fields WhatsApp Web clients use are modelled (`wa-proto-fields.md` §1); the PQ/extended
/// fields are skipped when read and never written.
///
/// > Important: Temporary hand-written encoding (see `ProtobufWire`), to be replaced by generated
/// > protobuf code once the project has a protobuf module. Keep the public shape close to what
/// > swift-protobuf would generate so that the swap is mechanical.
///
/// ```swift
/// let hello = HandshakeMessage(clientHello: .init(ephemeral: ephemeral.publicKey)).serializedBytes()
/// let reply = try HandshakeMessage(serializedBytes: frame)
/// ```
public struct HandshakeMessage: Sendable, Equatable {
    /// First message, client → server: the client's ephemeral key in the clear.
    public struct ClientHello: Sendable, Equatable {
        /// Field 1: 32-byte X25519 ephemeral public key.
        public var ephemeral: [UInt8]?

        /// Creates a ClientHello.
        public init(ephemeral: [UInt8]? = nil) { self.ephemeral = ephemeral }
    }

    /// Second message, server → client.
    public struct ServerHello: Sendable, Equatable {
        /// Field 1: the server's 32-byte ephemeral public key, in the clear.
        public var ephemeral: [UInt8]?
        /// Field 2 (`static`): the server's static key encrypted under the handshake key (32 + 16 bytes).
        public var encryptedStatic: [UInt8]?
        /// Field 3: the encrypted `CertChain`.
        public var payload: [UInt8]?

        /// Creates a ServerHello.
        public init(ephemeral: [UInt8]? = nil, encryptedStatic: [UInt8]? = nil, payload: [UInt8]? = nil) {
            self.ephemeral = ephemeral
            self.encryptedStatic = encryptedStatic
            self.payload = payload
        }
    }

    /// Third message, client → server.
    public struct ClientFinish: Sendable, Equatable {
        /// Field 1 (`static`): the client's noise public key, encrypted (32 + 16 bytes).
        public var encryptedStatic: [UInt8]?
        /// Field 2: the encrypted, serialized `ClientPayload`.
        public var payload: [UInt8]?

        /// Creates a ClientFinish.
        public init(encryptedStatic: [UInt8]? = nil, payload: [UInt8]? = nil) {
            self.encryptedStatic = encryptedStatic
            self.payload = payload
        }
    }

    /// Field 2.
    public var clientHello: ClientHello?
    /// Field 3.
    public var serverHello: ServerHello?
    /// Field 4.
    public var clientFinish: ClientFinish?

    /// Creates a message with the given parts (normally exactly one of them).
    public init(clientHello: ClientHello? = nil, serverHello: ServerHello? = nil, clientFinish: ClientFinish? = nil) {
        self.clientHello = clientHello
        self.serverHello = serverHello
        self.clientFinish = clientFinish
    }

    /// Decodes a serialized `HandshakeMessage`.
    /// - Throws: `NoiseError.malformedMessage` for bytes that are not a valid encoding.
    public init(serializedBytes bytes: some Collection<UInt8>) throws {
        self.init()
        var reader = ProtobufWire.Reader(bytes, messageName: "HandshakeMessage")
        while let (number, value) = try reader.next() {
            switch number {
            case 2:
                var hello = ClientHello()
                var inner = ProtobufWire.Reader(try value.bytes("clientHello"), messageName: "ClientHello")
                while let (n, v) = try inner.next() {
                    if n == 1 { hello.ephemeral = try v.bytes("ephemeral") }
                }
                clientHello = hello
            case 3:
                var hello = ServerHello()
                var inner = ProtobufWire.Reader(try value.bytes("serverHello"), messageName: "ServerHello")
                while let (n, v) = try inner.next() {
                    switch n {
                    case 1: hello.ephemeral = try v.bytes("ephemeral")
                    case 2: hello.encryptedStatic = try v.bytes("static")
                    case 3: hello.payload = try v.bytes("payload")
                    default: break
                    }
                }
                serverHello = hello
            case 4:
                var finish = ClientFinish()
                var inner = ProtobufWire.Reader(try value.bytes("clientFinish"), messageName: "ClientFinish")
                while let (n, v) = try inner.next() {
                    switch n {
                    case 1: finish.encryptedStatic = try v.bytes("static")
                    case 2: finish.payload = try v.bytes("payload")
                    default: break
                    }
                }
                clientFinish = finish
            default:
                break
            }
        }
    }

    /// The protobuf encoding, fields in number order as protobuf encoders write them.
    public func serializedBytes() -> [UInt8] {
        var writer = ProtobufWire.Writer()
        if let clientHello {
            var inner = ProtobufWire.Writer()
            inner.bytesField(1, clientHello.ephemeral)
            writer.bytesField(2, inner.bytes)
        }
        if let serverHello {
            var inner = ProtobufWire.Writer()
            inner.bytesField(1, serverHello.ephemeral)
            inner.bytesField(2, serverHello.encryptedStatic)
            inner.bytesField(3, serverHello.payload)
            writer.bytesField(3, inner.bytes)
        }
        if let clientFinish {
            var inner = ProtobufWire.Writer()
            inner.bytesField(1, clientFinish.encryptedStatic)
            inner.bytesField(2, clientFinish.payload)
            writer.bytesField(4, inner.bytes)
        }
        return writer.bytes
    }
}
