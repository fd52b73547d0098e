import Foundation

/// A parameter value for `PGConnection.query(_:_:)`.
///
/// Values travel in PostgreSQL's text format, except `bytes`, which is sent in binary format as `bytea`
/// so ciphertext needs no escaping. Every case but `text` and `null` also tells the server its type
/// (`int8`, `bool`, `bytea`, `float8`, `timestamptz`); `text` leaves the type to the server, so a text
/// parameter can fill a `jsonb`, `uuid` or `timestamptz` column. Write `$1::text` where the server cannot
/// infer a type (for example `select $1`).
public enum PGValue: Sendable, Hashable {
    /// SQL `NULL`.
    case null
    /// A string in PostgreSQL's text format; its type is inferred by the server.
    case text(String)
    /// An `int8` (also fits `int4`/`int2` columns through assignment casts).
    case int(Int64)
    /// A `bool`.
    case bool(Bool)
    /// A `bytea`, sent in binary format; may contain `0x00` bytes.
    case bytes([UInt8])
    /// A `float8`, including infinities and NaN.
    case double(Double)
    /// A `timestamptz`, with microsecond precision (PostgreSQL's resolution).
    case timestamp(Date)

    /// `.text` for a string, `.null` for `nil`.
    public static func optional(_ value: String?) -> PGValue { value.map(PGValue.text) ?? .null }
    /// `.timestamp` for a date, `.null` for `nil`.
    public static func optional(_ value: Date?) -> PGValue { value.map(PGValue.timestamp) ?? .null }
    /// `.bytes` for a byte array, `.null` for `nil`.
    public static func optional(_ value: [UInt8]?) -> PGValue { value.map(PGValue.bytes) ?? .null }
    /// `.int` for an integer, `.null` for `nil`.
    public static func optional(_ value: Int64?) -> PGValue { value.map(PGValue.int) ?? .null }
}

// MARK: - Wire encoding

extension PGValue {
    /// The parameter as libpq wants it: a type OID (0 lets the server infer it), a format (0 text,
    /// 1 binary) and the bytes (text values without their terminating NUL), or `nil` for SQL NULL.
    var encoded: (oid: UInt32, format: Int32, bytes: [UInt8]?) {
        switch self {
        case .null: return (0, 0, nil)
        case .text(let s): return (0, 0, Array(s.utf8))
        case .int(let i): return (PGType.int8, 0, Array(String(i).utf8))
        case .bool(let b): return (PGType.bool, 0, b ? [UInt8(ascii: "t")] : [UInt8(ascii: "f")])
        case .bytes(let b): return (PGType.bytea, 1, b)
        case .double(let d): return (PGType.float8, 0, Array(PGValue.formatDouble(d).utf8))
        case .timestamp(let date): return (PGType.timestamptz, 0, Array(PGTimestamp.format(date).utf8))
        }
    }

    static func formatDouble(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        // Swift prints the shortest representation that reads back to the same Double.
        return "\(d)"
    }

    static func parseDouble(_ s: String) -> Double? {
        switch s {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return Double(s)
        }
    }
}

/// OIDs of the built-in types this module sends or recognises (`pg_type.oid`, stable across versions).
enum PGType {
    static let bool: UInt32 = 16
    static let bytea: UInt32 = 17
    static let int8: UInt32 = 20
    static let float8: UInt32 = 701
    static let timestamptz: UInt32 = 1184
}
