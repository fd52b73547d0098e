import Foundation
import NIOCore
import WAGateCore

/// The control protocol's wire format: JSON-RPC 2.0, one compact JSON object per line.
///
/// Pure functions only (no I/O), shared by the server and the client.
enum ControlWire {
    /// The protocol name reported by `rpc.info`.
    static let protocolName = "wagate-control/1"

    /// A call: a request with an `id` (a string or an integer).
    struct Request: Sendable {
        var id: JSONValue
        var method: String
        /// The raw `params` member (`nil` when absent); checked to be an object only once the method is known.
        var params: JSONValue?
    }

    /// What one line turned out to be.
    enum Incoming: Sendable {
        case request(Request)
        /// A request without `id`: JSON-RPC says it gets no answer, and the gateway executes none.
        case notification(method: String)
        /// Answer with this error (`id` is `null` unless a valid id could be read).
        case invalid(ControlError, id: JSONValue)
    }

    // MARK: - Parsing requests

    /// Classifies one line (without its line terminator).
    static func parse(_ line: ByteBuffer) -> Incoming {
        let bytes = line.readableBytesView
        guard String(validating: bytes, as: UTF8.self) != nil else {
            return .invalid(
                ControlError(code: ControlError.Code.parseError, message: "invalid UTF-8", kind: "gw.ParseError"),
                id: .null)
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(Data(bytes))
        } catch {
            return .invalid(
                ControlError(code: ControlError.Code.parseError, message: "invalid JSON", kind: "gw.ParseError"),
                id: .null)
        }
        let object: [String: JSONValue]
        switch value {
        case .object(let members):
            object = members
        case .array:
            return .invalid(
                .invalidRequest("batches (JSON arrays) are not supported", kind: "gw.BatchNotSupported"), id: .null)
        default:
            return .invalid(.invalidRequest("a request must be a JSON object"), id: .null)
        }

        var id: JSONValue?
        if let rawID = object["id"] {
            switch rawID {
            case .string, .int: id = rawID
            default: return .invalid(.invalidRequest("\"id\" must be a string or an integer"), id: .null)
            }
        }
        let replyID = id ?? .null
        guard case .string("2.0")? = object["jsonrpc"] else {
            return .invalid(.invalidRequest("\"jsonrpc\" must be \"2.0\""), id: replyID)
        }
        guard case .string(let method)? = object["method"], !method.isEmpty else {
            return .invalid(.invalidRequest("\"method\" must be a non-empty string"), id: replyID)
        }
        guard let id else { return .notification(method: method) }
        return .request(Request(id: id, method: method, params: object["params"]))
    }

    // MARK: - Encoding messages

    /// `{"jsonrpc":"2.0","id":id,"result":result}` + `\n`.
    static func response(id: JSONValue, result: JSONValue) -> ByteBuffer {
        line(["jsonrpc": "2.0", "id": id, "result": result])
    }

    /// `{"jsonrpc":"2.0","id":id,"error":{code,message,data}}` + `\n`.
    static func errorResponse(id: JSONValue, error: ControlError) -> ByteBuffer {
        line(["jsonrpc": "2.0", "id": id, "error": error.jsonValue])
    }

    /// `{"jsonrpc":"2.0","method":method,"params":params}` + `\n` (a server notification).
    static func notification(method: String, params: JSONValue) -> ByteBuffer {
        line(["jsonrpc": "2.0", "method": .string(method), "params": params])
    }

    /// `{"jsonrpc":"2.0","id":id,"method":method,"params":params}` + `\n` (a client call).
    static func request(id: JSONValue, method: String, params: JSONValue) -> ByteBuffer {
        line(["jsonrpc": "2.0", "id": id, "method": .string(method), "params": params])
    }

    /// Compact JSON (sorted keys) followed by `\n`.
    static func line(_ value: JSONValue) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(256)
        write(value, into: &buffer)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return buffer
    }

    // MARK: - Compact JSON writer

    // A small writer instead of JSONEncoder: it cannot fail (non-finite doubles become null, where
    // `JSONValue.jsonString()` would replace the whole document by "null"), never emits a raw newline, and
    // avoids an encoder allocation per event notification.

    static func write(_ value: JSONValue, into buffer: inout ByteBuffer) {
        switch value {
        case .null:
            buffer.writeStaticString("null")
        case .bool(let bool):
            buffer.writeStaticString(bool ? "true" : "false")
        case .int(let int):
            buffer.writeString(String(int))
        case .double(let double):
            if double.isFinite { buffer.writeString("\(double)") } else { buffer.writeStaticString("null") }
        case .string(let string):
            writeString(string, into: &buffer)
        case .array(let elements):
            buffer.writeInteger(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                write(element, into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "]"))
        case .object(let members):
            buffer.writeInteger(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                writeString(key, into: &buffer)
                buffer.writeInteger(UInt8(ascii: ":"))
                write(members[key]!, into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ string: String, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 else { continue }
                if runStart < index { buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                switch byte {
                case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                case 0x08: buffer.writeStaticString("\\b")
                case 0x0C: buffer.writeStaticString("\\f")
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    buffer.writeStaticString("\\u00")
                    buffer.writeInteger(hex[Int(byte >> 4)])
                    buffer.writeInteger(hex[Int(byte & 0x0F)])
                }
                runStart = index + 1
            }
            if runStart < bytes.count {
                buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}
