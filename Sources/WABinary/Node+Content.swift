extension Node {
    /// The content of a node.
    ///
    /// The distinction between bytes and strings matters on the wire:
    /// - ``bytes(_:)`` is always written with a BINARY_8/20/32 length prefix and is what the decoder
    ///   returns for every BINARY_* content (message ciphertext, keys, protobufs);
    /// - ``string(_:)`` is written with the string rules (token, packed NIBBLE_8/HEX_8, else raw UTF-8
    ///   with a BINARY prefix). The decoder returns it only for tokens and packed strings, so a string
    ///   that is not a token and cannot be packed comes back as ``bytes(_:)``.
    public enum Content: Sendable, Hashable {
        /// Child nodes (an empty list is written as LIST_EMPTY).
        case nodes([Node])
        /// Raw bytes.
        case bytes([UInt8])
        /// A string, encoded compactly when it qualifies.
        case string(String)
        /// A JID. Rare as content, but the wire allows it and the decoder keeps it instead of failing.
        case jid(JID)
    }
}
