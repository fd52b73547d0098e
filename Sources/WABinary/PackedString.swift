/// The nibble tables of NIBBLE_8 and HEX_8 packed strings (protocol reference §3.5).
enum PackedString {
    /// The pad nibble written after the last character of an odd-length string.
    static let padding: UInt8 = 0x0F

    /// '0'–'9' → 0–9, '-' → 10, '.' → 11. Only called on characters already checked to qualify.
    @inline(__always)
    static func nibbleCode(_ character: UInt8) -> UInt8 {
        switch character {
        case UInt8(ascii: "-"): 10
        case UInt8(ascii: "."): 11
        default: character &- UInt8(ascii: "0")
        }
    }

    /// '0'–'9' → 0–9, 'A'–'F' → 10–15. Only called on characters already checked to qualify.
    @inline(__always)
    static func hexCode(_ character: UInt8) -> UInt8 {
        character <= UInt8(ascii: "9") ? character &- UInt8(ascii: "0") : character &- UInt8(ascii: "A") &+ 10
    }

    /// The character of a nibble code, or `nil` for 12–15 (the pad is handled by the caller).
    @inline(__always)
    static func nibbleCharacter(_ code: UInt8) -> UInt8? {
        switch code {
        case 0...9: UInt8(ascii: "0") &+ code
        case 10: UInt8(ascii: "-")
        case 11: UInt8(ascii: ".")
        default: nil
        }
    }

    /// The character of a nibble code already checked to be 0–11 (anything above 11 gives '.').
    @inline(__always)
    static func validNibbleCharacter(_ code: UInt8) -> UInt8 {
        code < 10 ? UInt8(ascii: "0") &+ code : (code == 10 ? UInt8(ascii: "-") : UInt8(ascii: "."))
    }

    /// The character of a hex code (every code 0–15 is a character).
    @inline(__always)
    static func hexCharacter(_ code: UInt8) -> UInt8 {
        code < 10 ? UInt8(ascii: "0") &+ code : UInt8(ascii: "A") &+ code &- 10
    }
}
