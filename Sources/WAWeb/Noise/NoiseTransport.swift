/// The two cipher states of an established connection (protocol notes §1.5).
///
/// Every frame payload after the handshake is one AES-256-GCM message with empty associated data;
/// sending and receiving count their nonces independently from 0.
///
/// ```swift
/// let frame = try transport.encrypt(nodeBytes)      // then FrameCodec.encode
/// let node = try transport.decrypt(receivedFrame)
/// ```
public struct NoiseTransport: Sendable {
    /// Encrypts what we send (the client's `writeKey`, first half of Split).
    public var sender: NoiseCipherState
    /// Decrypts what we receive (the `readKey`, second half of Split).
    public var receiver: NoiseCipherState

    /// Creates a transport from its two cipher states.
    public init(sender: NoiseCipherState, receiver: NoiseCipherState) {
        self.sender = sender
        self.receiver = receiver
    }

    /// Encrypts the payload of one outgoing frame.
    /// - Throws: `NoiseError.counterExhausted` after 2^32 frames.
    public mutating func encrypt(_ plaintext: some Collection<UInt8>) throws -> [UInt8] {
        try sender.encrypt(plaintext)
    }

    /// Decrypts the payload of one incoming frame.
    /// - Throws: `NoiseError.decryptFailed`; treat it as fatal and reconnect.
    public mutating func decrypt(_ ciphertext: some Collection<UInt8>) throws -> [UInt8] {
        try receiver.decrypt(ciphertext)
    }
}
