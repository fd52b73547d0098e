/// The tag bytes of the binary-XML encoding (protocol reference §3.2).
///
/// Bytes 1...235 are single-byte tokens; 240...244 are unused and rejected by the decoder.
enum WireTag {
    static let listEmpty: UInt8 = 0
    static let dictionary0: UInt8 = 236
    static let dictionary1: UInt8 = 237
    static let dictionary2: UInt8 = 238
    static let dictionary3: UInt8 = 239
    static let interopJID: UInt8 = 245
    static let fbJID: UInt8 = 246
    static let adJID: UInt8 = 247
    static let list8: UInt8 = 248
    static let list16: UInt8 = 249
    static let jidPair: UInt8 = 250
    static let hex8: UInt8 = 251
    static let binary8: UInt8 = 252
    static let binary20: UInt8 = 253
    static let binary32: UInt8 = 254
    static let nibble8: UInt8 = 255

    /// The longest string (in characters) that the encoder packs as NIBBLE_8 or HEX_8.
    static let packedMax = 127

    /// The largest single-byte token index.
    static let lastSingleByteToken: UInt8 = 235
}
