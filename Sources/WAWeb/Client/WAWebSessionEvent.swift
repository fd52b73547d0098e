import WABinary

/// One inbound item of a `WAWebSession`: a decoded node, or a frame that could not be decoded.
public enum WAWebSessionEvent: Sendable {
    /// A decoded stanza that is not the answer to a pending `sendIQ`.
    case node(Node)
    /// A frame decrypted fine but is not a valid binary node. The session goes on: the Noise nonces
    /// are still in step, so only this one stanza is lost.
    case undecodableFrame(WAWebSessionError)
}
