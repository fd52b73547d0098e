import CLibPQ
import Foundation

/// The rows of one statement, copied out of libpq's `PGresult` (which is freed at once).
///
/// Getters return `nil` for SQL `NULL` and throw `StoreError.Code.decodeFailed` when the text cannot be
/// read as the requested type or the column does not exist. Columns can be named or numbered.
///
/// ```swift
/// let result = try await pool.query("select account_id, updated_at from accounts")
/// for row in 0..<result.rowCount {
///     let id = try result.string(row: row, column: "account_id")
///     let updated = try result.date(row: row, column: "updated_at")
/// }
/// ```
public struct PGResult: Sendable {
    /// The column names, in order.
    public let columns: [String]
    /// The columns' type OIDs (`pg_type.oid`), in order.
    public let columnTypes: [UInt32]
    /// The number of rows returned.
    public let rowCount: Int
    /// Rows affected by `INSERT`/`UPDATE`/`DELETE`/`MERGE` (or returned by `SELECT`), from `PQcmdTuples`;
    /// 0 for other commands.
    public let affectedRows: Int
    /// The command tag, such as `INSERT 0 1` or `COMMIT`.
    public let commandTag: String
    // Row-major cells in text format; nil is SQL NULL.
    private let cells: [String?]
    private let columnIndex: [String: Int]

    init(_ result: OpaquePointer) {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        var columns: [String] = []
        var types: [UInt32] = []
        var index: [String: Int] = [:]
        for c in 0..<columnCount {
            let name = PQfname(result, Int32(c)).map { String(cString: $0) } ?? "?column?"
            columns.append(name)
            types.append(UInt32(PQftype(result, Int32(c))))
            if index[name] == nil { index[name] = c }
        }
        var cells: [String?] = []
        cells.reserveCapacity(rowCount * columnCount)
        for r in 0..<rowCount {
            for c in 0..<columnCount {
                if PQgetisnull(result, Int32(r), Int32(c)) == 1 {
                    cells.append(nil)
                } else {
                    cells.append(String(cString: PQgetvalue(result, Int32(r), Int32(c))))
                }
            }
        }
        self.columns = columns
        self.columnTypes = types
        self.rowCount = rowCount
        self.cells = cells
        self.columnIndex = index
        self.commandTag = PQcmdStatus(result).map { String(cString: $0) } ?? ""
        self.affectedRows = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
    }

    /// Whether the statement returned no rows.
    public var isEmpty: Bool { rowCount == 0 }

    // MARK: Raw text

    /// The value's text form, or `nil` for SQL `NULL`.
    /// - Throws: `StoreError` (`decodeFailed`) when the row or column does not exist.
    public func string(row: Int, column: Int) throws -> String? {
        guard row >= 0, row < rowCount, column >= 0, column < columns.count else {
            throw StoreError(
                .decodeFailed, "no cell at row \(row), column \(column) (\(rowCount) rows, \(columns.count) columns)")
        }
        return cells[row * columns.count + column]
    }

    /// The value's text form, or `nil` for SQL `NULL`.
    /// - Throws: `StoreError` (`decodeFailed`) when the row or column does not exist.
    public func string(row: Int, column: String) throws -> String? {
        try string(row: row, column: index(of: column))
    }

    // MARK: Typed getters

    /// The value as an integer (`int2`, `int4`, `int8`, `oid`), or `nil` for SQL `NULL`.
    public func int(row: Int, column: Int) throws -> Int64? {
        try decode(row, column, as: "integer") { Int64($0) }
    }

    /// The value as an integer (`int2`, `int4`, `int8`, `oid`), or `nil` for SQL `NULL`.
    public func int(row: Int, column: String) throws -> Int64? { try int(row: row, column: index(of: column)) }

    /// The value as a boolean (`t`/`f`), or `nil` for SQL `NULL`.
    public func bool(row: Int, column: Int) throws -> Bool? {
        try decode(row, column, as: "bool") { $0 == "t" ? true : $0 == "f" ? false : nil }
    }

    /// The value as a boolean (`t`/`f`), or `nil` for SQL `NULL`.
    public func bool(row: Int, column: String) throws -> Bool? { try bool(row: row, column: index(of: column)) }

    /// The value as a `float8` (also reads integers and `numeric`), or `nil` for SQL `NULL`.
    public func double(row: Int, column: Int) throws -> Double? {
        try decode(row, column, as: "double") { PGValue.parseDouble($0) }
    }

    /// The value as a `float8` (also reads integers and `numeric`), or `nil` for SQL `NULL`.
    public func double(row: Int, column: String) throws -> Double? {
        try double(row: row, column: index(of: column))
    }

    /// The value of a `bytea` column (hex output `\x…`, or the legacy escape format), or `nil` for SQL `NULL`.
    public func bytes(row: Int, column: Int) throws -> [UInt8]? {
        try decode(row, column, as: "bytea") { PGResult.decodeBytea($0) }
    }

    /// The value of a `bytea` column (hex output `\x…`, or the legacy escape format), or `nil` for SQL `NULL`.
    public func bytes(row: Int, column: String) throws -> [UInt8]? { try bytes(row: row, column: index(of: column)) }

    /// The value of a `timestamptz` column (ISO output, any offset), or `nil` for SQL `NULL`.
    public func date(row: Int, column: Int) throws -> Date? {
        try decode(row, column, as: "timestamptz") { PGTimestamp.parse($0) }
    }

    /// The value of a `timestamptz` column (ISO output, any offset), or `nil` for SQL `NULL`.
    public func date(row: Int, column: String) throws -> Date? { try date(row: row, column: index(of: column)) }

    // MARK: Helpers

    private func index(of column: String) throws -> Int {
        guard let index = columnIndex[column] else {
            throw StoreError(
                .decodeFailed, "no column \"\(column)\" in result (columns: \(columns.joined(separator: ", ")))")
        }
        return index
    }

    private func decode<T>(_ row: Int, _ column: Int, as type: String, _ parse: (String) -> T?) throws -> T? {
        guard let text = try string(row: row, column: column) else { return nil }
        guard let value = parse(text) else {
            // Show only the start: the value may be long, and callers' logs should not carry row data.
            throw StoreError(
                .decodeFailed, "column \"\(columns[column])\" is not a valid \(type): \"\(text.prefix(24))\"")
        }
        return value
    }

    static func decodeBytea(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        if utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x") {
            guard utf8.count % 2 == 0 else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity((utf8.count - 2) / 2)
            var i = 2
            while i < utf8.count {
                guard let hi = hexValue(utf8[i]), let lo = hexValue(utf8[i + 1]) else { return nil }
                out.append(hi << 4 | lo)
                i += 2
            }
            return out
        }
        // Escape format (bytea_output = 'escape'): `\\` is a backslash, `\ooo` an octal byte.
        var out: [UInt8] = []
        var i = 0
        while i < utf8.count {
            if utf8[i] != UInt8(ascii: "\\") {
                out.append(utf8[i])
                i += 1
            } else if i + 1 < utf8.count, utf8[i + 1] == UInt8(ascii: "\\") {
                out.append(UInt8(ascii: "\\"))
                i += 2
            } else if i + 3 < utf8.count, let a = octalValue(utf8[i + 1]), let b = octalValue(utf8[i + 2]),
                let c = octalValue(utf8[i + 3]), a <= 3
            {
                out.append(a << 6 | b << 3 | c)
                i += 4
            } else {
                return nil
            }
        }
        return out
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func octalValue(_ c: UInt8) -> UInt8? {
        c >= UInt8(ascii: "0") && c <= UInt8(ascii: "7") ? c - UInt8(ascii: "0") : nil
    }
}
