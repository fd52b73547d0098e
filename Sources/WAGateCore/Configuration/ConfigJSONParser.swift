import Foundation

/// A strict JSON parser for configuration files that reports syntax errors with a line and a column,
/// and remembers where each key was written.
///
/// Foundation's `JSONDecoder` (used by `JSONValue.parse`) only says "The given data was not valid
/// JSON", accepts trailing commas and silently keeps the last of two equal keys. A person editing a
/// character file needs "line 12, column 5: expected ',' or '}'" instead, so configuration files go
/// through this parser. It follows RFC 8259 (what `JSON.parse` in Node accepts, so files shared with
/// elizaOS and Milady parse the same way) and produces the same `JSONValue` as `JSONValue.parse`.
struct ConfigJSONParser {
    /// A syntax error at a 1-based line and column (columns count characters, not bytes).
    struct SyntaxError: Error, Sendable {
        var line: Int
        var column: Int
        var message: String
    }

    /// A key that appears twice in one object; JSON keeps the last one, which is usually a mistake.
    struct DuplicateKey: Sendable {
        var path: ConfigPath
        var firstLine: Int
        var secondLine: Int
    }

    /// The result of a successful parse.
    struct Document: Sendable {
        var value: JSONValue
        /// The 1-based line where each key path (and each array element) starts.
        var lines: [ConfigPath: Int]
        var duplicateKeys: [DuplicateKey]
    }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1
    private var lines: [ConfigPath: Int] = [:]
    private var duplicates: [DuplicateKey] = []
    // Deeply nested input would otherwise overflow the stack; no real configuration comes close.
    private static let maximumDepth = 512

    private init(_ data: Data) {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // editors on Windows add a BOM
        self.bytes = bytes
    }

    /// Parses a whole document.
    /// - Throws: `SyntaxError` at the first syntax error.
    static func parse(_ data: Data) throws(SyntaxError) -> Document {
        var parser = ConfigJSONParser(data)
        parser.skipWhitespace()
        if parser.index == parser.bytes.count {
            throw SyntaxError(line: 1, column: 1, message: "the file is empty; expected a JSON object")
        }
        let value = try parser.parseValue(path: ConfigPath(), depth: 0)
        parser.skipWhitespace()
        if parser.index < parser.bytes.count {
            throw parser.error("unexpected \(parser.describeCurrent()) after the end of the JSON value")
        }
        return Document(value: value, lines: parser.lines, duplicateKeys: parser.duplicates)
    }

    // MARK: - Scanning

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func advance() {
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            // Only the first byte of a UTF-8 sequence starts a new character.
            column += 1
        }
    }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            advance()
        }
    }

    private func error(_ message: String) -> SyntaxError {
        SyntaxError(line: line, column: column, message: message)
    }

    private func describeCurrent() -> String {
        guard let byte = current else { return "end of file" }
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte == 0x20 { return "space" }
        if byte < 0x20 { return String(format: "control character 0x%02X", byte) }
        // Decode the whole UTF-8 character for the message.
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return "'\(String(decoding: bytes[index..<end], as: UTF8.self))'"
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(SyntaxError) {
        guard current == byte else { throw error("expected \(what) but found \(describeCurrent())") }
        advance()
    }

    // MARK: - Values

    private mutating func parseValue(path: ConfigPath, depth: Int) throws(SyntaxError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw error("the JSON is nested too deeply") }
        guard let byte = current else { throw error("unexpected end of file; expected a value") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(path: path, depth: depth)
        case UInt8(ascii: "["): return try parseArray(path: path, depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "t"):
            try parseLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try parseLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try parseLiteral("null")
            return .null
        case UInt8(ascii: "'"):
            throw error("strings must use double quotes (\"), not single quotes")
        default:
            throw error(
                "unexpected \(describeCurrent()); expected a value (object, array, string, number, true, false or null)"
            )
        }
    }

    private mutating func parseLiteral(_ word: String) throws(SyntaxError) {
        let startLine = line
        let startColumn = column
        for byte in word.utf8 {
            guard current == byte else {
                throw SyntaxError(line: startLine, column: startColumn, message: "invalid literal; expected \(word)")
            }
            advance()
        }
    }

    private mutating func parseObject(path: ConfigPath, depth: Int) throws(SyntaxError) -> JSONValue {
        advance()  // {
        var members: [String: JSONValue] = [:]
        var keyLines: [String: Int] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            advance()
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else {
                if current == UInt8(ascii: "}") { throw error("trailing comma before '}' is not allowed in JSON") }
                throw error("expected a key in double quotes but found \(describeCurrent())")
            }
            let keyLine = line
            let key = try parseString()
            let keyPath = path.appending(key)
            if let first = keyLines[key] {
                duplicates.append(DuplicateKey(path: keyPath, firstLine: first, secondLine: keyLine))
            }
            keyLines[key] = keyLine
            lines[keyPath] = keyLine
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':' after the key \"\(key)\"")
            skipWhitespace()
            members[key] = try parseValue(path: keyPath, depth: depth + 1)
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                advance()
                continue
            }
            if current == UInt8(ascii: "}") {
                advance()
                return .object(members)
            }
            throw error("expected ',' or '}' after the value of \"\(key)\" but found \(describeCurrent())")
        }
    }

    private mutating func parseArray(path: ConfigPath, depth: Int) throws(SyntaxError) -> JSONValue {
        advance()  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            advance()
            return .array(elements)
        }
        while true {
            skipWhitespace()
            if current == UInt8(ascii: "]") { throw error("trailing comma before ']' is not allowed in JSON") }
            let elementPath = path.appending(index: elements.count)
            lines[elementPath] = line
            elements.append(try parseValue(path: elementPath, depth: depth + 1))
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                advance()
                continue
            }
            if current == UInt8(ascii: "]") {
                advance()
                return .array(elements)
            }
            throw error("expected ',' or ']' in the array but found \(describeCurrent())")
        }
    }

    private mutating func parseString() throws(SyntaxError) -> String {
        let startLine = line
        let startColumn = column
        advance()  // "
        var buffer: [UInt8] = []
        while true {
            guard let byte = current else {
                throw SyntaxError(line: startLine, column: startColumn, message: "unterminated string")
            }
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                advance()
                try parseEscape(into: &buffer)
            case 0x00..<0x20:
                if byte == 0x0A {
                    throw SyntaxError(
                        line: startLine,
                        column: startColumn,
                        message: "unterminated string (a line break must be written as \\n)"
                    )
                }
                throw error("control character in a string; escape it")
            default:
                buffer.append(byte)
                advance()
            }
        }
    }

    private mutating func parseEscape(into buffer: inout [UInt8]) throws(SyntaxError) {
        guard let byte = current else { throw error("unterminated string") }
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F,
            UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A,
            UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
        ]
        if let replacement = simple[byte] {
            buffer.append(replacement)
            advance()
            return
        }
        guard byte == UInt8(ascii: "u") else { throw error("invalid escape sequence \\\(describeCurrent())") }
        advance()
        var scalar = try parseHex4()
        if (0xD800..<0xDC00).contains(scalar) {
            // A high surrogate must be followed by an escaped low surrogate.
            if current == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") {
                advance()
                advance()
                let low = try parseHex4()
                if (0xDC00..<0xE000).contains(low) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    scalar = 0xFFFD
                }
            } else {
                scalar = 0xFFFD
            }
        } else if (0xDC00..<0xE000).contains(scalar) {
            scalar = 0xFFFD
        }
        buffer.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8))
    }

    private mutating func parseHex4() throws(SyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = Self.hexValue(byte) else {
                throw error("expected four hexadecimal digits after \\u")
            }
            value = value << 4 | digit
            advance()
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private mutating func parseNumber() throws(SyntaxError) -> JSONValue {
        let startLine = line
        let startColumn = column
        let start = index
        var isInteger = true
        func isDigit(_ b: UInt8?) -> Bool { b.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
        let invalid = { SyntaxError(line: startLine, column: startColumn, message: "invalid number") }
        if current == UInt8(ascii: "-") { advance() }
        guard isDigit(current) else { throw invalid() }
        if current == UInt8(ascii: "0") {
            advance()
            if isDigit(current) {
                throw SyntaxError(line: startLine, column: startColumn, message: "numbers must not have leading zeros")
            }
        } else {
            while isDigit(current) { advance() }
        }
        if current == UInt8(ascii: ".") {
            isInteger = false
            advance()
            guard isDigit(current) else { throw invalid() }
            while isDigit(current) { advance() }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            advance()
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { advance() }
            guard isDigit(current) else { throw invalid() }
            while isDigit(current) { advance() }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let integer = Int64(text) { return .int(integer) }
        guard let double = Double(text), double.isFinite else {
            throw SyntaxError(line: startLine, column: startColumn, message: "number \(text) is out of range")
        }
        // Foundation's decoder reads `3e2` and `1.0` as integers; do the same so both parsers agree.
        if double.rounded() == double, abs(double) < 9.2e18 { return .int(Int64(double)) }
        return .double(double)
    }
}
